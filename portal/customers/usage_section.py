"""The customer page's Usage section: per per-seat product the customer had licensed or
reported in the last 90 days, a chart of the seats in use each day (the vendor's figures)
against the seats licensed that day (a step line), the latest figure in words, and every
figure in a table under a disclosure, as the dashboards show theirs (DESIGN.md §11, §12).

Two queries (``usage.trend``) whatever the number of days and products; a prospect has no
section (the vendor reports customers only).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify

from portal.companies.models import Company
from portal.core.charts import Drawing, Series, line_chart
from portal.usage.trend import DAYS, ProductUsage, trend_days, usage_trend

EMPTY = f"No usage reported in the last {DAYS} days: the vendor's daily figures will show here."
HEADERS = ["Day", "In use", "Licensed", "Difference"]


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


def usage_section(company: Company, today: datetime.date) -> dict | None:
    """``charts`` for the products, or ``empty`` to say that nothing was reported."""
    if company.status == Company.Status.PROSPECT:
        return None
    products = usage_trend(company, trend_days(today))
    if all(product.latest is None for product in products):
        return {"charts": [], "empty": EMPTY, "days": DAYS}
    return {"charts": [_chart(product) for product in products], "days": DAYS}


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
