"""The MSP dashboard: each chart with its figures, for the signed-in user's partner.

Every figure is the sum of agreement lines (``fees``), so that it reconciles with the
customer pages; the test of exact figures sums the lines again and compares month by month.
"""

import datetime
from datetime import timedelta
from functools import cached_property

from portal.core.charts import Series, bar_chart, line_chart
from portal.renewals.upcoming import PriceTables

from . import fees, outlook, selling
from .months import PAST, Window, label
from .tables import Chart

CHARTS = ["recurring", "movements", "seats", "pipeline", "renewals"]


class MspDashboard:
    def __init__(self, partner, today: datetime.date):
        self.partner = partner
        self.today = today
        self.window = Window.of(today)
        self.currency = partner.currency

    def money(self, header: str) -> str:
        return f"{header} ({self.currency})"

    @cached_property
    def figures(self) -> fees.PartnerFees:
        days = self.window.days
        found = fees.partner_fees(days, partners=[self.partner.pk])
        return found.get(self.partner.pk) or fees.added_up([], len(days))

    @cached_property
    def cost(self) -> list:
        return self.figures.fees

    @cached_property
    def lines_on(self) -> dict:
        return fees.partner_lines(self.partner, [*self.window.days, self.today])

    @cached_property
    def sold(self) -> list[selling.SoldMonth]:
        return selling.sold_months(self.partner, self.window.days, self.cost, self.lines_on)

    @cached_property
    def renewal_shifts(self) -> list:
        return outlook.renewal_changes(
            self.partner, self.window.days, self.today, self.ending_lines, self.tables
        )

    @cached_property
    def tables(self) -> PriceTables:
        return PriceTables()

    @cached_property
    def ending_lines(self) -> list:
        until = max(self.window.days[-1], self.today + timedelta(days=outlook.RENEWAL_DAYS + 1))
        return outlook.lines_ending(self.partner, self.today, until)

    def chart(self, slug: str) -> Chart:
        return getattr(self, f"_{slug}")()

    def charts(self) -> list[Chart]:
        return [self.chart(slug) for slug in CHARTS]

    def _recurring(self) -> Chart:
        days = self.window.shown
        offset = 1  # window.days[0] is only the movements' starting point
        ahead = len(self.window.ahead)
        cost, sold, rows = [], [], []
        for n, day in enumerate(days, offset):
            is_ahead = day in self.window.ahead
            month = self.sold[n]
            shift = self.renewal_shifts[n] if is_ahead else fees.ZERO
            cost.append(self.cost[n] + shift)
            # At the MSP's prices only where every line is priced, and not ahead (the renewal
            # changes are priced at contracted prices only).
            sold.append(month.sold if not is_ahead else None)
            rows.append(
                [
                    label(day) + (" (ahead)" if is_ahead else ""),
                    self.cost[n],
                    shift if is_ahead else None,
                    self.cost[n] + shift if is_ahead else None,
                    month.sold,
                    month.margin,
                    month.unpriced,
                ]
            )
        series = [Series("At contracted cost", "chart-cost", tuple(cost))]
        if any(value is not None for value in sold):
            series.append(Series("At your prices", "chart-sold", tuple(sold)))
        notes = [
            "Each month's figure is the Total Monthly Fees of the agreement versions in effect "
            "on its first day. Lines of an annual term are billed once a year and are not in "
            "it; one-time fees never are.",
            f"The last {ahead} months (dotted) are ahead: the versions in effect then (with "
            "those already scheduled), and the renewals with lines ending or seats or terms "
            "changing, at the contracted prices in force on the renewal day (Expected).",
        ]
        unpriced = self.sold[self.window.days.index(self.window.this_month)].unpriced
        if unpriced:
            notes.append(
                f"{unpriced} line{'s' if unpriced != 1 else ''} in effect this month "
                "have no selling price in your Price Book: your prices and margin are shown "
                "only for months where every line has one."
            )
        return Chart(
            slug="recurring",
            title="Monthly recurring fees",
            summary=(
                f"Monthly recurring fees in {self.currency} over the last 12 months and the "
                f"next {ahead}, at contracted cost and at your prices."
            ),
            drawing=line_chart([label(d) for d in days], series, ahead=ahead),
            headers=[
                "Month",
                self.money("At contracted cost"),
                self.money("Renewal changes"),
                self.money("Expected at contracted cost"),
                self.money("At your prices"),
                self.money("Margin"),
                "Lines without your price",
            ],
            rows=rows,
            notes=notes,
        )

    def _movements(self) -> Chart:
        moves = self.figures.moves[:PAST]
        days = self.window.past
        kinds = [
            ("New", "chart-new", "new"),
            ("Expansion", "chart-expansion", "expansion"),
            ("Contraction", "chart-contraction", "contraction"),
            ("Lost", "chart-lost", "lost"),
        ]
        series = [
            Series(name, css, tuple(getattr(m, attr) for m in moves)) for name, css, attr in kinds
        ]
        rows = [
            [label(day), m.new, m.expansion, m.contraction, m.lost, m.net]
            + [m.customers[attr] for _, _, attr in kinds]
            for day, m in zip(days, moves, strict=True)
        ]
        return Chart(
            slug="movements",
            title="New, expansion, contraction and lost",
            summary=(
                "The change of the monthly recurring fees into each month, by kind: new "
                "customers, customers paying more, paying less, and customers lost."
            ),
            drawing=bar_chart([label(d) for d in days], series),
            headers=[
                "Month",
                *(self.money(name) for name, _, _ in kinds),
                self.money("Net change"),
                *(f"{name} customers" for name, _, _ in kinds),
            ],
            rows=rows,
            notes=[
                "A customer's fees on the first of the month compared with the first of the "
                "month before, from the agreement versions in effect on each."
            ],
        )

    def _seats(self) -> Chart:
        found = outlook.seats_by_product(self.lines_on[self.today])
        return Chart(
            slug="seats",
            title="Seats by product",
            summary="The seats of each product in the agreement versions in effect today.",
            drawing=bar_chart(
                [row.code for row in found],
                [Series("Seats", "chart-cost", tuple(row.seats for row in found))],
            )
            if found
            else None,
            headers=["Product", "Name", "Seats"],
            rows=[[row.code, row.name, row.seats] for row in found],
            empty="No customer has an agreement in effect yet.",
        )

    def _pipeline(self) -> Chart:
        months, undated = outlook.pipeline(self.partner, self.today)
        notes = [
            "Prospects by expected provision date, their products at your contracted prices "
            "today (monthly fees; annual fees in the table)."
        ]
        if undated:
            notes.append(
                f"{undated} prospect{'s' if undated != 1 else ''} without an expected date."
            )
        unpriced = sum(m.unpriced for m in months)
        if unpriced:
            notes.append(
                f"{unpriced} prospect{'s' if unpriced != 1 else ''} without products, users or "
                "a price to price them by: counted, not valued."
            )
        return Chart(
            slug="pipeline",
            title="Pipeline",
            summary="The monthly fees of the prospects expected each month, at contracted prices.",
            drawing=bar_chart(
                [m.label for m in months],
                [Series("Monthly fees", "chart-new", tuple(m.monthly for m in months))],
            )
            if any(m.prospects for m in months)
            else None,
            headers=[
                "Expected",
                "Prospects",
                self.money("Monthly fees"),
                self.money("Annual fees"),
                "Not priced",
            ],
            rows=[[m.label, m.prospects, m.monthly, m.annual, m.unpriced] for m in months],
            notes=notes,
            empty="No prospect has an expected provision date.",
        )

    def _renewals(self) -> Chart:
        months, largest = outlook.renewals_due(
            self.partner, self.today, self.ending_lines, self.tables
        )
        notes = [
            "The 1- and 3-year commitments whose term ends in the next 90 days, with their "
            "fees today (the Renewals list has each one)."
        ]
        if largest:
            notes.append(
                "Largest: "
                + "; ".join(
                    f"{r.company.name} on {r.renews_on:%Y-%m-%d}"
                    + (f", {r.value:,.2f} {r.currency} at renewal" if r.value is not None else "")
                    for r in largest
                )
                + "."
            )
        return Chart(
            slug="renewals",
            title="Renewals in the next 90 days",
            summary="The monthly fees of the commitments renewing in each of the next months.",
            drawing=bar_chart(
                [m.label for m in months],
                [Series("Monthly fees renewing", "chart-sold", tuple(m.monthly for m in months))],
            )
            if any(m.customers for m in months)
            else None,
            headers=[
                "Term ends",
                "Customers",
                self.money("Monthly fees"),
                self.money("Annual fees"),
            ],
            rows=[[m.label, m.customers, m.monthly, m.annual] for m in months],
            notes=notes,
            empty="No commitment ends in the next 90 days.",
        )
