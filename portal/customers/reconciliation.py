"""Customers | Reconciliation: per customer and product, licensed (the version in effect), used
(the vendor's latest usage figure) and billed (the MSP's PSA), and what the differences cost
or lose each month, sorted by money at stake.

The rows are kept (``usage.reconciliation``): the page reads one index, whatever the number
of customers. Customers marked due since (a usage report, a version, a price) are worked out
first, so the page never shows what has changed already."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from portal.catalog.models import Product
from portal.companies.billing import downsell_dates
from portal.companies.list_filters import lead_filters
from portal.companies.models import Agreement, AgreementLine
from portal.companies.terms import fewer_seats_refusal
from portal.core.lists import Column, Filter, ListState, paginate
from portal.usage.models import Reconciliation
from portal.usage.reconciliation import refresh_due

PER_PAGE = 50
STAKE = "stake"

SHOW = (
    ("drift", "Any difference"),
    ("above", "Used above licensed (true-up due)"),
    ("below", "Licensed above used (shelfware)"),
    ("unbilled", "Billed below used (not billed)"),
)
SHOWN = {
    "drift": Q(above__gt=0) | Q(below__gt=0) | Q(unbilled__gt=0),
    "above": Q(above__gt=0),
    "below": Q(below__gt=0),
    "unbilled": Q(unbilled__gt=0),
}

COLUMNS = [
    Column("name", "Company Name", "name_key"),  # the row's copy: no join to sort
    Column("product", "Product", "code"),
    Column("licensed", "Licensed", "licensed", numeric=True),
    Column("used", "Used", "used", numeric=True),
    Column("billed", "Billed", "billed", numeric=True),
    Column("", "Difference", ""),
    # The first click lists the most money first: what the page is for.
    Column(STAKE, "At Stake a Month", "-at_stake", numeric=True),
]


def reconciliation_filters(user) -> list[Filter]:
    # The catalog's codes that some row of the MSP has: one probe of the (partner, code) index
    # a product, where a DISTINCT would read every row of the MSP.
    codes = (
        Product.objects.filter(
            Exists(Reconciliation.objects.filter(partner=user.partner, code=OuterRef("code")))
        )
        .order_by("code")
        .values_list("code", flat=True)
    )
    return [
        Filter("show", "Show", choices=SHOW, invalid="Show: choose one kind of difference."),
        Filter(
            "product",
            "Product",
            choices=tuple((code, code) for code in codes),
            invalid="Product: choose one of the products listed.",
        ),
        *lead_filters(user),
    ]


def header_links(state: ListState) -> list[tuple[Column, str, str]]:
    """The headers' links; money at stake lists the largest first, so its arrow says so."""
    flipped = {"ascending": "descending", "descending": "ascending", "": ""}
    return [
        (column, url, flipped[direction] if column.key == STAKE else direction)
        for column, url, direction in state.header_links(COLUMNS)
    ]


def reconciliation_state(query, user) -> tuple[ListState, list[Filter]]:
    filters = reconciliation_filters(user)
    return ListState.from_query(query, COLUMNS, STAKE, filters), filters


def matching(user, state: ListState) -> QuerySet:
    """The MSP's rows as the search and the filters leave them."""
    rows = Reconciliation.objects.filter(partner=user.partner)
    chosen = state.filters
    if show := chosen.get("show"):
        rows = rows.filter(SHOWN[show])
    if code := chosen.get("product"):
        rows = rows.filter(code=code)
    # The row's copies of its company's lead and name (kept in step by the database).
    if lead := chosen.get("lead"):
        rows = rows.filter(implementation_lead_id=int(lead))
    if chosen.get("mine"):
        rows = rows.filter(implementation_lead_id=user.pk)
    if state.q:
        rows = rows.filter(name_key__contains=state.q.lower())
    return rows


def sorted_rows(rows: QuerySet, state: ListState) -> QuerySet:
    field = next(column.order_by for column in COLUMNS if column.key == state.sort)
    if state.descending:
        field = field[1:] if field.startswith("-") else f"-{field}"
    tie = "-id" if field.startswith("-") else "id"
    return rows.order_by(field, tie)


@dataclass(frozen=True)
class Totals:
    """What the differences of the rows listed add up to a month, in one currency."""

    currency: str
    above: int
    below: int
    unbilled: int
    at_stake: Decimal
    rows: int


def totals_of(rows: QuerySet) -> list[Totals]:
    grouped = (
        rows.order_by()
        .values("currency")
        .annotate(
            above_seats=Sum("above"),
            below_seats=Sum("below"),
            unbilled_seats=Sum("unbilled"),
            money=Sum("at_stake"),
            count=Count("id"),
        )
    )
    return [
        Totals(
            group["currency"],
            group["above_seats"] or 0,
            group["below_seats"] or 0,
            group["unbilled_seats"] or 0,
            Decimal(group["money"] or 0).quantize(Decimal("0.01")),
            group["count"],
        )
        for group in grouped
        if group["currency"]
    ]


def reconciliation_page(user, query, *, per_page: int = PER_PAGE):
    """(state, filters, page, totals) of the list for ``query``."""
    state, filters = reconciliation_state(query, user)
    if not state.refused:  # a refused request changes nothing, not even the kept rows
        refresh_due(user.partner.pk)
    rows = matching(user, state)
    totals = totals_of(rows)
    page = paginate(
        sorted_rows(rows, state),
        state.page,
        per_page,
        rows=Reconciliation.objects.select_related("company"),
        count=sum(total.rows for total in totals),
    )
    return state, filters, page, totals


def reduce_from(rows: list[Reconciliation], partner, today: datetime.date) -> dict[int, str]:
    """Row id → the earliest date its seats can go down, in words, for the rows with shelfware
    (one query for their lines): a monthly term at the next billing date after the MSP's
    notice days, a commitment at its renewal."""
    shelf = [row for row in rows if row.below and row.licensed]
    if not shelf:
        return {}
    lines = AgreementLine.objects.filter(
        agreement__company_id__in={row.company_id for row in shelf},
        agreement__status=Agreement.Status.ACTIVE,
        product_id__in={row.product_id for row in shelf},
    ).values_list("agreement__company_id", "product_id", "commitment", "term_end")
    terms = {(company, product): (c, end) for company, product, c, end in lines}
    products = Product.objects.in_bulk({row.product_id for row in shelf})
    found = {}
    for row in shelf:
        commitment, term_end = terms.get((row.company_id, row.product_id), ("", None))
        if fewer_seats_refusal(
            product=products[row.product_id], commitment=commitment, term_end=term_end
        ):
            found[row.pk] = (term_end, "at renewal")
        else:
            effective, _ = downsell_dates(
                next_billing_date=row.company.next_billing_date,
                notice_days=partner.downsell_notice_days,
                today=today,
            )
            found[row.pk] = (effective, "next billing date")
    return found
