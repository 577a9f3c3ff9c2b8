"""Billed seats given many at once — the rows of Upload Billed Seats, the items of the API's
batch — each part checked before anything is recorded (``billing.billed_seats_set``).

A customer is one of the MSP's own customers of Customers | Complete, found by its id, by its
domain (without regard to case; ``https://www.`` and a path taken off, as Verify does) or by its
name (as the lists sort it: the lower-cased name, runs of spaces as one); a domain is looked for
first. Only the MSP's own companies are ever read, so another MSP's customer is simply not
found. A product is one the MSP sells that is charged per seat; the seats a whole number from 0
to 1,000,000; a customer and product once in a batch. What the checks compare against is read
in a fixed number of queries, whatever the count of rows.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from portal.catalog.models import Product
from portal.catalog.selectors import products_enabled_for
from portal.companies.domains import normalize_domain
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.core.bulk import in_list
from portal.core.uploads import plain

from .billing import PER_SEAT, SEATS_RANGE

# Digits, or digits in groups of three (1,250 · 1.250 · 1 250 · 1'250): seats are whole, so a
# group of three after a mark is never a fraction.
WHOLE = re.compile(r"\d+|\d{1,3}(?:([,.' \u00a0\u202f])\d{3})(?:\1\d{3})*")
COMPLETE = Company.Status.COMPLETE


class Refused(Exception):
    """One part of a row (its customer, product or seats) cannot be taken; the message says why
    to the person who wrote it."""


def name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


class BilledCheck:
    """The checks of one batch for one MSP. What the batch names its customers by is read up
    front: ``references``, names or domains; ``domains``; ``ids``."""

    def __init__(
        self,
        partner,
        *,
        references: Iterable[str] = (),
        domains: Iterable[str] = (),
        ids: Iterable[int] = (),
    ):
        self.partner = partner
        self.products = {p.code.lower(): p for p in products_enabled_for(partner=partner)}
        self.by_domain: dict[str, list[Company]] = defaultdict(list)
        self.by_name: dict[str, list[Company]] = defaultdict(list)
        self.by_id: dict[int, Company] = {}
        self.first: dict[tuple[int, int], str] = {}
        # A cell holding NUL is refused by its row's checks; PostgreSQL could not compare it.
        references = [r for r in references if r and "\x00" not in r]
        domains = [d for d in domains if "\x00" not in d]
        self._load("domain", {normalize_domain(r) for r in [*references, *domains]} - {""})
        self._load("name_key", {name_key(r) for r in references} - {""})
        self._load("id", set(ids))

    def _load(self, column: str, values: set) -> None:
        if not values:
            return
        where, params = in_list(column, sorted(values))
        companies = (
            Company.objects.filter(partner=self.partner)
            .filter(RawSQL(where, params, output_field=BooleanField()))
            .only("partner_id", "name", "domain", "status")
        )
        for company in companies:
            if company.pk in self.by_id:
                continue
            self.by_id[company.pk] = company
            self.by_domain[company.domain].append(company)
            self.by_name[name_key(company.name)].append(company)

    # Customers

    def customer(self, reference: str) -> Company:
        """The customer a name or domain names: its domain first, then its name."""
        text = reference.strip()
        if not text:
            raise Refused("Enter the customer's company name or domain.")
        domain = normalize_domain(text)
        by_domain = self.by_domain.get(domain, []) if domain else []
        if found := self._one(by_domain, f"the domain {domain}"):
            return found
        if found := self._one(self.by_name.get(name_key(text), []), "this name"):
            return found
        others = by_domain or self.by_name.get(name_key(text), [])
        if others:
            raise Refused(_not_complete(others[0]))
        raise Refused(f"None of your customers has the domain or name “{plain(text)}”.")

    def customer_by_domain(self, domain: str) -> Company:
        text = normalize_domain(domain)
        if not text:
            raise Refused("Enter the customer's domain, like example.com.")
        companies = self.by_domain.get(text, [])
        if found := self._one(companies, f"the domain {text}"):
            return found
        if companies:
            raise Refused(_not_complete(companies[0]))
        raise Refused(f"None of your customers has the domain “{plain(text)}”.")

    def customer_by_id(self, pk: int) -> Company:
        company = self.by_id.get(pk)
        if company is None:
            raise Refused(f"None of your customers has the id {pk}.")
        if company.status != COMPLETE:
            raise Refused(_not_complete(company))
        return company

    @staticmethod
    def _one(companies: list[Company], what: str) -> Company | None:
        complete = [c for c in companies if c.status == COMPLETE]
        if len(complete) > 1:
            names = ", ".join(f"“{c.name}”" for c in complete[:3])
            more = f" and {len(complete) - 3} more" if len(complete) > 3 else ""
            raise Refused(
                f"Ambiguous: {len(complete)} of your customers have {what} ({names}{more}); "
                "write the one meant by its other name or domain."
            )
        return complete[0] if complete else None

    # Products and seats

    def product(self, code: str) -> Product:
        text = code.strip()
        if not text:
            raise Refused("Enter the product's code, like S1.")
        product = self.products.get(text.lower())
        if product is None:
            raise Refused(f"Your MSP sells no product with the code “{plain(text, 20)}”.")
        if product.charge != PER_SEAT:
            raise Refused(
                f"{product.code} ({product.name}) is not charged per seat: only per-seat "
                "products have billed seats."
            )
        return product

    @staticmethod
    def seats(value) -> int:
        """A whole number from 0 to MAX_USERS: a sheet's number, or text of digits (in groups
        of three, if written so)."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            text = value.strip()
            if not text:
                raise Refused(f"Enter the billed seats. {SEATS_RANGE}")
            if not WHOLE.fullmatch(text):
                raise Refused(f"“{plain(text, 20)}” is not a whole number. {SEATS_RANGE}")
            value = int(re.sub(r"\D", "", text))
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refused(SEATS_RANGE)
        if not 0 <= value <= MAX_USERS:
            raise Refused(SEATS_RANGE)
        return value

    def once(self, company: Company, product: Product, where: str) -> None:
        """Refused when the batch named this customer and product before (``where`` it was)."""
        key = (company.pk, product.pk)
        if key in self.first:
            raise Refused(
                f"{company.name} and {product.code} are given already in {self.first[key]}: "
                "give each customer and product once."
            )
        self.first[key] = where


def _not_complete(company: Company) -> str:
    status = company.get_status_display()
    return (
        f"{company.name} is a {status[0].lower()}{status[1:]}: billed seats are kept for the "
        "customers of Customers | Complete."
    )
