"""The kept rows of Customers | Reconciliation: per customer and product, licensed (the version
in effect), used (the latest usage figure) and billed (the latest PSA entry), with the prices
that value their differences.

Whatever changes one of them marks the customer due (``mark_due``: one statement, in the
transaction of the change); ``refresh_due`` works the rows out again, a few queries for a
thousand customers, and tells the drift that appeared or grew (``usage.drift``)."""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from portal.accounts.models import Partner
from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, AgreementLine, Company
from portal.core import events
from portal.pricebook.models import SellingPrice
from portal.pricing import Money, NoPrice
from portal.pricing.selling import SellingRule

from .models import (
    BilledSeats,
    Reconciliation,
    ReconciliationDue,
    UsageFigure,
    UsageReportDue,
)

CHUNK = 1_000
MONTHS = Decimal(12)
PLACES = Decimal("0.0001")
PER_SEAT = "per_seat"


def mark_due(company_ids: Iterable[int]) -> None:
    """Mark these customers due, in the caller's transaction: one INSERT … SELECT, the ids
    sent as one array (a usage report marks up to 10,000 at once)."""
    ids = sorted(set(company_ids))
    if not ids:
        return
    due, companies = ReconciliationDue._meta.db_table, Company._meta.db_table
    if connection.vendor == "postgresql":
        chosen, value = "id = ANY(%s::bigint[])", ids
    else:
        chosen, value = "id IN (SELECT value FROM json_each(%s))", json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {due} (company_id, partner_id) SELECT id, partner_id FROM {companies} "
            f"WHERE {chosen} ON CONFLICT (company_id) DO NOTHING",
            [value],
        )


def reports_mark_due(partner_id: int | None = None) -> None:
    """Mark due the customers of the usage reports taken since (of one MSP, or all), each
    report unmarked in the same transaction."""
    waiting = UsageReportDue.objects.order_by("report_id")
    if partner_id is not None:
        waiting = waiting.filter(partner_id=partner_id)
    if not waiting.exists():
        return
    for report in waiting.values_list("report_id", flat=True):
        with transaction.atomic():
            taken = UsageReportDue.objects.filter(report_id=report).select_for_update().first()
            if taken is None:
                continue  # another worker took it
            mark_due(taken.companies)
            taken.delete()


def mark_partner_due(partner_id: int) -> None:
    """Every customer of the MSP with a row: its prices changed."""
    mark_due(
        Reconciliation.objects.filter(partner_id=partner_id)
        .values_list("company_id", flat=True)
        .distinct()
    )


def refresh_due(partner_id: int | None = None) -> int:
    """Work out the rows of the customers marked due (of one MSP, or all); how many.

    Each chunk locks its customers' rows, skipping those another transaction holds (a change
    being made to them, or another worker: they stay due), and unmarks them before reading
    anything: a usage report marking one again meanwhile waits for this transaction, then marks
    it due once more, so nothing that changed is ever left out. Locks are taken in the order
    the changes take them (customer, then its mark), so two never wait for each other."""
    reports_mark_due(partner_id)
    due = ReconciliationDue.objects.order_by("company_id")
    if partner_id is not None:
        due = due.filter(partner_id=partner_id)
    # Nothing due, as on most page views: one query, not a transaction of three.
    if not due.exists():
        return 0
    done, after = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                due.filter(company_id__gt=after).values_list("company_id", flat=True)[:CHUNK]
            )
            if not ids:
                return done
            after = ids[-1]
            free = list(
                Company.objects.filter(pk__in=ids)
                .order_by("pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            ReconciliationDue.objects.filter(company_id__in=free).delete()
            _refresh(free)
            done += len(free)


def refresh(company_ids: Iterable[int]) -> None:
    """Work out these customers' rows now, in the caller's transaction."""
    ids = sorted(set(company_ids))
    for start in range(0, len(ids), CHUNK):
        _refresh(ids[start : start + CHUNK])


@dataclass
class Found:
    licensed: int = 0
    cost: Decimal | None = None
    used: int | None = None
    used_on: datetime.date | None = None
    billed: int | None = None
    billed_at: datetime.datetime | None = None
    currency: str = ""


def _latest(queryset, order: list):
    """The newest row of each customer and product (one query, a window)."""
    return queryset.annotate(
        newest=Window(RowNumber(), partition_by=[F("company_id"), F("product_id")], order_by=order)
    ).filter(newest=1)


def found_for(ids: list[int]) -> dict[tuple[int, int], Found]:
    """(customer, product) → licensed, used and billed, from the sources."""
    found: dict[tuple[int, int], Found] = defaultdict(Found)
    lines = AgreementLine.objects.filter(
        agreement__company_id__in=ids,
        agreement__status=Agreement.Status.ACTIVE,
        charge=PER_SEAT,
    ).values_list(
        "agreement__company_id",
        "product_id",
        "quantity",
        "unit_price",
        "term",
        "agreement__currency",
    )
    for company, product, quantity, unit_price, term, currency in lines.order_by():
        row = found[(company, product)]
        row.licensed += quantity
        row.cost = monthly(unit_price, term)
        row.currency = currency
    used = _latest(UsageFigure.objects.filter(company_id__in=ids), [F("day").desc()]).values_list(
        "company_id", "product_id", "in_use", "day"
    )
    for company, product, in_use, day in used:
        row = found[(company, product)]
        row.used, row.used_on = in_use, day
    billed = _latest(
        BilledSeats.objects.filter(company_id__in=ids), [F("entered_at").desc(), F("id").desc()]
    ).values_list("company_id", "product_id", "seats", "entered_at")
    for company, product, seats, at in billed:
        row = found[(company, product)]
        row.billed, row.billed_at = seats, at
    return found


def monthly(unit_price: Decimal, term: str) -> Decimal:
    """A seat's price a month (an annual price over 12)."""
    amount = Decimal(unit_price) / MONTHS if term == "annual" else Decimal(unit_price)
    return amount.quantize(PLACES)


class Prices:
    """The MSP's selling rules (book and customers' own) and contracted prices, read once per
    MSP for a chunk of customers."""

    def __init__(self, companies: dict[int, int]):
        self.book: dict[tuple[int, int], SellingRule] = {}
        self.own: dict[tuple[int, int], SellingRule] = {}
        rows = SellingPrice.objects.filter(partner_id__in=set(companies.values()))
        for price in rows.filter(company__isnull=True) | rows.filter(company_id__in=companies):
            if price.company_id is None:
                self.book[(price.partner_id, price.product_id)] = price.rule
            else:
                self.own[(price.company_id, price.product_id)] = price.rule
        self.tables: dict[int, object] = {}

    def rule(self, partner: int, company: int, product: int) -> SellingRule | None:
        return self.own.get((company, product)) or self.book.get((partner, product))

    def contracted(self, partner: int, code: str, seats: int) -> tuple[Decimal, str]:
        """A product not in the version in effect: valued at the MSP's contracted price for
        the seats in use (0 when it has none)."""
        if partner not in self.tables:
            self.tables[partner] = price_table_for(Partner.objects.get(pk=partner))
        table = self.tables[partner]
        try:
            product = table.product(code, max(seats, 1))
            amount = table.unit_amount(code, max(seats, 1))
        except NoPrice:
            return Decimal(0), table.currency
        return monthly(amount, product.term), table.currency

    def price(self, partner: int, company: int, product: int, cost: Decimal, currency: str):
        """(a seat a month at the MSP's price, whether it is its own price)."""
        rule = self.rule(partner, company, product)
        if rule is None or not currency:
            return cost, False
        return rule.unit_price(Money(cost, currency)).amount, True


FIELDS = ["licensed", "used", "used_on", "billed", "billed_at", "cost", "price", "own_price"]


def _refresh(ids: list[int]) -> None:
    # Customers with an agreement in effect: a former customer has nothing to reconcile (its
    # last usage figures stay in its history), a prospect nothing yet.
    companies, copied = {}, {}  # copied: what a new row copies of its company
    for pk, partner, name_key, lead in Company.objects.filter(
        pk__in=ids, status=Company.Status.COMPLETE
    ).values_list("pk", "partner_id", "name_key", "implementation_lead_id"):
        companies[pk], copied[pk] = partner, {"name_key": name_key, "implementation_lead_id": lead}
    found = found_for(ids)
    codes = dict(Product.objects.filter(pk__in={p for _, p in found}).values_list("pk", "code"))
    prices = Prices(companies)
    kept = {
        (row.company_id, row.product_id): row
        for row in Reconciliation.objects.filter(company_id__in=ids)
    }
    now = timezone.now()
    new, changed, drifted = [], [], []
    for key, figures in found.items():
        company, product = key
        partner = companies.get(company)
        if partner is None:
            continue
        cost, currency = figures.cost, figures.currency
        if cost is None:
            cost, currency = prices.contracted(partner, codes[product], figures.used or 0)
        price, own = prices.price(partner, company, product, cost, currency)
        values = {
            "licensed": figures.licensed,
            "used": figures.used,
            "used_on": figures.used_on,
            "billed": figures.billed,
            "billed_at": figures.billed_at,
            "cost": cost,
            "price": price,
            "own_price": own,
        }
        row = kept.pop(key, None)
        if row is None:
            row = Reconciliation(
                partner_id=partner,
                company_id=company,
                product_id=product,
                code=codes[product],
                **copied[company],
            )
            new.append(row)
        elif any(getattr(row, name) != value for name, value in values.items()) or (
            row.currency != currency
        ):
            changed.append(row)
        else:
            continue
        for name, value in values.items():
            setattr(row, name, value)
        row.currency, row.refreshed_at = currency, now
        drift = 0 if figures.used is None else figures.used - figures.licensed
        if _grew(row.drift_told, drift):
            drifted.append((partner, row, drift))
        row.drift_told = drift
    # New and changed rows in one upsert on (company, product): a changed row keeps its id.
    # bulk_update's CASE per field and row took 5 s a thousand rows (Python and SQL alike).
    Reconciliation.objects.bulk_create(
        new + changed,
        update_conflicts=True,
        unique_fields=["company", "product"],
        update_fields=[*FIELDS, "currency", "refreshed_at", "drift_told"],
    )
    if kept:  # nothing licensed, used or billed any more
        Reconciliation.objects.filter(pk__in=[row.pk for row in kept.values()]).delete()
    if drifted:
        events.publish(
            events.Happened(
                events.USAGE_DRIFT,
                partner=None,
                items=tuple((partner, drift_data(row, drift)) for partner, row, drift in drifted),
            )
        )


def _grew(told: int, drift: int) -> bool:
    """A drift appeared, grew, or turned the other way since it was last told."""
    if drift == 0:
        return False
    return abs(drift) > abs(told) or (drift > 0) != (told > 0)


def drift_data(row: Reconciliation, drift: int) -> dict:
    """What ``usage.drift`` says of one customer and product."""
    return {
        "customer_id": row.company_id,
        "product": row.code,
        "licensed": row.licensed,
        "in_use": row.used,
        "as_of": row.used_on.isoformat() if row.used_on else None,
        "drift": drift,
        "billed": row.billed,
        "seat_price_monthly": str(row.cost),
        "currency": row.currency,
    }
