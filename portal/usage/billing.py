"""Billed seats: what the MSP's PSA bills each customer for a product, entered on the customer
page, uploaded, or put through the API. Every entry is kept; the latest one counts."""

from dataclasses import dataclass

from django.db import transaction

from portal.catalog.models import Product
from portal.catalog.selectors import products_enabled_for
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.core.history import history_entry
from portal.core.models import HistoryEntry

from .models import BilledSeats
from .reconciliation import refresh

PER_SEAT = "per_seat"
SEATS_RANGE = f"Billed seats: a whole number from 0 to {MAX_USERS:,}."


@dataclass(frozen=True)
class Billed:
    """One billed-seats entry to make: a customer of the MSP, a per-seat product, the seats."""

    company: Company
    product: Product
    seats: int


def billable_products(partner) -> list[Product]:
    """The per-seat products an MSP's customers can be billed for."""
    return [p for p in products_enabled_for(partner=partner) if p.charge == PER_SEAT]


def billed_seats_set(entries: list[Billed], *, actor, source: str) -> int:
    """Record each entry whose seats differ from the customer's latest for that product (a PSA
    sending the same figure again changes nothing), each in the customer's History Log, and
    work the customers' reconciliation out again, all in one transaction. How many changed."""
    if not entries:
        return 0
    for entry in entries:
        if not 0 <= entry.seats <= MAX_USERS:
            raise ValueError(SEATS_RANGE)
    companies = sorted({entry.company.pk for entry in entries})
    with transaction.atomic():
        # Locked: two uploads at once each compare with the other's result, never both with
        # the same latest entry.
        list(Company.objects.select_for_update().filter(pk__in=companies).order_by("pk"))
        latest = latest_billed(companies)
        made, logged = [], []
        label = dict(BilledSeats.Source.choices)[source]
        for entry in entries:
            key = (entry.company.pk, entry.product.pk)
            before = latest.get(key)
            if before == entry.seats:
                continue
            latest[key] = entry.seats
            made.append(
                BilledSeats(
                    company=entry.company,
                    product=entry.product,
                    seats=entry.seats,
                    source=source,
                    entered_by=actor if getattr(actor, "pk", None) else None,
                )
            )
            logged.append(
                history_entry(
                    actor=actor,
                    obj=entry.company,
                    action=HistoryEntry.Action.UPDATE,
                    summary=f"Billed seats of {entry.product.code} set to {entry.seats:,} "
                    f"({label})",
                    changes={
                        f"Billed seats of {entry.product.code}": [
                            "—" if before is None else f"{before:,}",
                            f"{entry.seats:,}",
                        ]
                    },
                    msp_only=True,
                )
            )
        BilledSeats.objects.bulk_create(made)
        # One entry per change, as one at a time would write them: an upload makes thousands.
        HistoryEntry.objects.bulk_create(logged)
        refresh({entry.company.pk for entry in made})
    return len(made)


def latest_billed(company_ids) -> dict[tuple[int, int], int]:
    """(customer, product) → the seats billed now."""
    found: dict[tuple[int, int], int] = {}
    rows = BilledSeats.objects.filter(company_id__in=company_ids).order_by(
        "company_id", "product_id", "-entered_at", "-id"
    )
    for company, product, seats in rows.values_list("company_id", "product_id", "seats"):
        found.setdefault((company, product), seats)
    return found
