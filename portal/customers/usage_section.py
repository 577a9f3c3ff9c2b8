"""The customer page's Usage section: per per-seat product the customer had licensed or
reported in the last 90 days, a chart of the seats in use each day (the vendor's figures)
against the seats licensed that day (a step line), the latest figure in words, and every
figure in a table under a disclosure, as the dashboards show theirs (DESIGN.md §11, §12).

The versions and their lines are the page's (``selectors.company_for`` read them, else two
queries); then one for the figures (``usage.trend``) whatever the number of days and products,
and one or two for the billed seats (``billed_seats``). A prospect has no section (the vendor
reports customers only).
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.text import slugify

from portal.catalog.models import Product
from portal.companies.models import Agreement, AgreementLine, Company
from portal.companies.seats import MAX_USERS
from portal.core.charts import Drawing, Series, line_chart
from portal.core.text import Form
from portal.pricing import Charge
from portal.usage.billing import SEATS_RANGE
from portal.usage.models import BilledSeats
from portal.usage.trend import (
    DAYS,
    ProductUsage,
    trend_days,
    usage_trend,
    versions_with_lines,
)

EMPTY = f"No usage reported in the last {DAYS} days: the vendor's daily figures will show here."
HEADERS = ["Day", "In use", "Licensed", "Difference"]
HISTORY = 10  # billed-seats entries listed (the History Log has every one)


@dataclass
class UsageChart:
    """One product's chart and figures, as ``core/_chart_drawing.html`` and
    ``core/_chart_figures.html`` read a chart."""

    slug: str
    heading: str
    title: str
    summary: str
    latest: str
    drawing: Drawing
    headers: list[str] = field(default_factory=lambda: HEADERS)
    rows: list[list] = field(default_factory=list)  # newest first
    empty: str = EMPTY


class BilledSeatsForm(Form):
    seats = forms.IntegerField(
        label="Billed seats",
        min_value=0,
        max_value=MAX_USERS,
        error_messages={
            "min_value": SEATS_RANGE,
            "max_value": SEATS_RANGE,
            "invalid": SEATS_RANGE,
            "required": SEATS_RANGE,
        },
    )


def billed_prefix(product_id: int) -> str:
    return f"billed-{product_id}"


@dataclass
class BilledRow:
    """A product's billed seats beside its licensed and used ones, with the form to enter
    what the PSA bills now."""

    code: str
    name: str
    product_id: int
    licensed: int
    in_use: int | None
    billed: BilledSeats | None
    form: BilledSeatsForm
    url: str


def usage_section(
    company: Company, today: datetime.date, invalid: tuple[int, BilledSeatsForm] | None = None
) -> dict | None:
    """``charts`` for the products (or ``empty`` to say that nothing was reported), and the
    billed seats of each with their history. ``invalid``: a product's form posted with a
    mistake, shown with its message."""
    if company.status == Company.Status.PROSPECT:
        return None
    versions = versions_with_lines(company)
    products = usage_trend(company, trend_days(today), versions)
    section = {"charts": [], "empty": EMPTY, "days": DAYS}
    if any(product.latest is not None for product in products):
        section = {"charts": [_chart(product) for product in products], "days": DAYS}
    history, latest = billed_seats(company)
    section["billed"] = _billed_rows(company, versions, products, latest, invalid)
    section["billed_history"] = history
    return section


def billed_seats(company: Company) -> tuple[list[BilledSeats], dict[int, BilledSeats]]:
    """The company's ``HISTORY`` newest billed-seats entries, and the latest entry of each
    product: one query while the company has no more entries than that, else two (the
    second reads one entry per product, by the ``billed_latest`` index, never every entry)."""
    newest_first = ("-entered_at", "-id")
    entries = BilledSeats.objects.filter(company=company).select_related("product")
    history = list(entries.select_related("entered_by").order_by(*newest_first)[:HISTORY])
    latest: dict[int, BilledSeats] = {}
    for entry in history:  # newest first: a product's first entry is its latest
        latest.setdefault(entry.product_id, entry)
    if len(history) == HISTORY:  # older entries may be the latest of other products
        product_latest = BilledSeats.objects.filter(company=company, product=OuterRef("product"))
        product_latest = product_latest.order_by(*newest_first).values("pk")[:1]
        for entry in entries.exclude(product__in=list(latest)).filter(pk=Subquery(product_latest)):
            latest[entry.product_id] = entry
    return history, latest


def _billed_rows(
    company, versions, products: list[ProductUsage], latest: dict[int, BilledSeats], invalid
) -> list[BilledRow]:
    """One row per per-seat product licensed now, reported or billed."""
    seen = {product.code: product for product in products}
    licensed: dict[str, int] = {}
    for version in versions:
        if version.status == Agreement.Status.ACTIVE:
            for line in version.lines.all():
                if line.charge == Charge.PER_SEAT:
                    licensed[line.code] = licensed.get(line.code, 0) + line.quantity
    codes = set(seen) | set(licensed) | {entry.product.code for entry in latest.values()}
    rows = []
    for product in _products(codes, versions, latest.values()):
        usage = seen.get(product.code)
        entry = latest.get(product.pk)
        if invalid and invalid[0] == product.pk:
            form = invalid[1]
        else:
            form = BilledSeatsForm(
                prefix=billed_prefix(product.pk),
                initial={"seats": entry.seats if entry else None},
            )
        rows.append(
            BilledRow(
                code=product.code,
                name=product.name,
                product_id=product.pk,
                licensed=licensed.get(product.code, 0),
                in_use=usage.in_use[usage.latest] if usage and usage.latest is not None else None,
                billed=entry,
                form=form,
                url=reverse("companies:billed_seats", args=[company.pk, product.pk]),
            )
        )
    return rows


def _products(codes: set[str], versions, entries) -> list[Product]:
    """The products of ``codes`` in the catalog's order: those the versions' lines (when read
    with them) and the entries have already, the others read (none, mostly)."""
    found = {entry.product.code: entry.product for entry in entries}
    for version in versions:
        for line in version.lines.all():
            if AgreementLine.product.is_cached(line):
                found.setdefault(line.product.code, line.product)
    known = [product for code, product in found.items() if code in codes]
    if missing := codes - {product.code for product in known}:
        known += Product.objects.filter(code__in=missing)
    return sorted(known, key=lambda product: (product.position, product.code))


def _chart(usage: ProductUsage) -> UsageChart:
    first, last = usage.days[0], usage.days[-1]
    title = f"{usage.code} {usage.name}: seats in use and licensed"
    return UsageChart(
        slug=f"usage-{slugify(usage.code)}",
        heading=f"{usage.code} {usage.name}",
        title=title,
        summary=f"Seats of {usage.code} in use each day from {first:%Y-%m-%d} to "
        f"{last:%Y-%m-%d}, against the seats licensed.",
        latest=latest_text(usage),
        drawing=line_chart(
            [f"{day:%Y-%m-%d}" for day in usage.days],
            [
                Series("Licensed", "chart-licensed", tuple(usage.licensed), step=True),
                Series("In use", "chart-in-use", tuple(usage.in_use)),
            ],
            axis={
                n: f"{day:%b} {day.day}" for n, day in enumerate(usage.days) if day.day in (1, 15)
            },
            dots="last",
            zero=False,
        ),
        rows=[
            [f"{day:%Y-%m-%d}", in_use, licensed, _difference(in_use, licensed)]
            for day, in_use, licensed in reversed(
                list(zip(usage.days, usage.in_use, usage.licensed, strict=True))
            )
        ],
    )


def latest_text(usage: ProductUsage) -> str:
    """The latest figure in words, against the seats licensed that day."""
    n = usage.latest
    if n is None:
        now = usage.licensed[-1]
        return f"No usage reported in the last {DAYS} days; {now:,} licensed."
    in_use, licensed = usage.in_use[n], usage.licensed[n]
    said = f"{in_use:,} in use on {usage.days[n]:%Y-%m-%d}"
    if not licensed:
        return f"{said}, none licensed."
    if in_use > licensed:
        return f"{said}: {in_use - licensed:,} more than the {licensed:,} licensed."
    if in_use < licensed:
        return f"{said}: {licensed - in_use:,} fewer than the {licensed:,} licensed."
    return f"{said}: as many as licensed."


def _difference(in_use: int | None, licensed: int) -> str | None:
    if in_use is None:
        return None
    return f"{in_use - licensed:+,}" if in_use != licensed else "0"
