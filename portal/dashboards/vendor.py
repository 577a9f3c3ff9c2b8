"""The vendor's dashboard, across partners: recurring-fee movements per month, the top
partners by recurring fees, new business against change orders, provisioning health.

Contracted prices only: the MSPs' own prices and margins are theirs, and this module cannot
read them (an import-linter contract forbids portal.pricebook here). Amounts of partners in
different currencies are never added up: each currency has its own charts.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portal.accounts.models import Partner
from portal.changes.models import ChangeOrder
from portal.core.charts import Series, bar_chart, hbar_chart
from portal.orders.models import Order
from portal.sync.models import ProvisioningRequest

from . import fees
from .months import PAST, Window, label
from .tables import Chart

TOP = 10
AGES = [  # pending provisioning requests by age: (label, up to this many hours)
    ("Under 1 hour", 1),
    ("1–24 hours", 24),
    ("1–7 days", 24 * 7),
    ("Over 7 days", None),
]
PENDING = [ProvisioningRequest.Status.QUEUED, ProvisioningRequest.Status.SENT]


@dataclass(frozen=True)
class Health:
    pending: int
    failed: int
    rejected_this_month: int


class VendorDashboard:
    def __init__(self, today: datetime.date):
        self.today = today
        self.window = Window.of(today)

    @cached_property
    def partners(self) -> dict[int, Partner]:
        return Partner.objects.in_bulk()

    @cached_property
    def by_partner(self) -> dict[int, fees.PartnerFees]:
        return fees.partner_fees(self.window.days)

    @cached_property
    def currencies(self) -> list[str]:
        found = {self.partners[partner].currency for partner in self.by_partner}
        return sorted(found) or ["USD"]

    def _of(self, currency: str) -> dict[int, fees.PartnerFees]:
        return {
            partner: figures
            for partner, figures in self.by_partner.items()
            if self.partners[partner].currency == currency
        }

    def charts(self) -> list[Chart]:
        found = []
        for currency in self.currencies:
            found += [self.movements(currency), self.top_partners(currency)]
        return [*found, self.orders(), self.provisioning()]

    def movements(self, currency: str) -> Chart:
        both = fees.added_up(self._of(currency).values(), len(self.window.days))
        moves, total = both.moves[:PAST], both.fees
        kinds = [
            ("New", "chart-new", "new"),
            ("Expansion", "chart-expansion", "expansion"),
            ("Contraction", "chart-contraction", "contraction"),
            ("Lost", "chart-lost", "lost"),
        ]
        days = self.window.past
        return Chart(
            slug=f"movements-{currency.lower()}",
            title=f"Recurring fee movements ({currency})",
            summary=(
                f"The change of all partners' monthly recurring fees in {currency} into each "
                "month, at contracted prices: new customers, expansion, contraction, lost."
            ),
            drawing=bar_chart(
                [label(d) for d in days],
                [Series(n, c, tuple(getattr(m, a) for m in moves)) for n, c, a in kinds],
            ),
            headers=[
                "Month",
                f"Monthly recurring fees ({currency})",
                *(f"{n} ({currency})" for n, _, _ in kinds),
                f"Net change ({currency})",
            ],
            rows=[
                [label(day), total[n], m.new, m.expansion, m.contraction, m.lost, m.net]
                for n, (day, m) in enumerate(zip(days, moves, strict=True), 1)
            ],
            notes=[
                "Each customer's Total Monthly Fees of the agreement version in effect on the "
                "first of the month, compared with the first of the month before."
            ],
        )

    def top_partners(self, currency: str) -> Chart:
        now = PAST  # the index of this month's first day
        per_partner: dict[int, Decimal] = {}
        customers: dict[int, int] = {}
        for partner, figures in self._of(currency).items():
            if figures.paying[now]:
                per_partner[partner] = figures.fees[now]
                customers[partner] = figures.paying[now]
        top = sorted(per_partner, key=lambda p: (-per_partner[p], self.partners[p].name))[:TOP]
        names = [self.partners[p].name for p in top]
        return Chart(
            slug=f"partners-{currency.lower()}",
            title=f"Top partners by recurring fees ({currency})",
            summary=(
                f"The {TOP} partners with the highest monthly recurring fees in {currency} on "
                f"{self.window.this_month:%Y-%m-%d}, at contracted prices."
            ),
            drawing=hbar_chart(
                names,
                Series("Monthly recurring fees", "chart-cost", tuple(per_partner[p] for p in top)),
            )
            if top
            else None,
            headers=["Partner", "Paying customers", f"Monthly recurring fees ({currency})"],
            rows=[[self.partners[p].name, customers[p], per_partner[p]] for p in top],
            empty="No partner has a customer paying monthly fees.",
        )

    def orders(self) -> Chart:
        start = timezone.make_aware(datetime.datetime.combine(self.window.past[0], datetime.time()))
        counts = {}
        for name, model in (("new", Order), ("change", ChangeOrder)):
            rows = (
                model.objects.filter(submitted_at__gte=start)
                .annotate(month=TruncMonth("submitted_at"))
                .values("month")
                .annotate(count=Count("id"))
                .order_by()
            )
            counts[name] = {_day(row["month"]): row["count"] for row in rows}
        days = self.window.past
        new = tuple(counts["new"].get(d, 0) for d in days)
        change = tuple(counts["change"].get(d, 0) for d in days)
        return Chart(
            slug="orders",
            title="New business and change orders",
            summary="The orders submitted each month: new business and change orders.",
            drawing=bar_chart(
                [label(d) for d in days],
                [
                    Series("New business", "chart-new", new),
                    Series("Change orders", "chart-cost", change),
                ],
            )
            if any(new) or any(change)
            else None,
            headers=["Month", "New business orders", "Change orders"],
            rows=[[label(d), n, c] for d, n, c in zip(days, new, change, strict=True)],
            empty="No order submitted in the last 12 months.",
        )

    def provisioning(self) -> Chart:
        now = timezone.now()
        pending = list(
            ProvisioningRequest.objects.filter(status__in=PENDING).values_list(
                "created_at", flat=True
            )
        )
        ages = [0] * len(AGES)
        for created in pending:
            hours = (now - created).total_seconds() / 3600
            ages[next(n for n, (_, most) in enumerate(AGES) if most is None or hours < most)] += 1
        month_start = timezone.make_aware(
            datetime.datetime.combine(self.window.this_month, datetime.time())
        )
        failed = ProvisioningRequest.objects.filter(
            status=ProvisioningRequest.Status.FAILED
        ).count()
        rejected = ProvisioningRequest.objects.filter(
            status=ProvisioningRequest.Status.REJECTED, settled_at__gte=month_start
        ).count()
        return Chart(
            slug="provisioning",
            title="Provisioning health",
            summary=(
                "Provisioning requests waiting by age, failed ones, and those rejected this month."
            ),
            drawing=bar_chart(
                [name for name, _ in AGES], [Series("Pending", "chart-contraction", tuple(ages))]
            )
            if pending
            else None,
            empty="No provisioning request is waiting.",
            headers=["Requests", "Count"],
            rows=[
                *([f"Pending {name.lower()}", n] for (name, _), n in zip(AGES, ages, strict=True)),
                ["Failed (delivery given up)", failed],
                [f"Rejected since {self.window.this_month:%Y-%m-%d}", rejected],
            ],
            notes=[
                f"{len(pending)} pending (queued or delivered, awaiting confirmation), {failed} "
                f"failed, {rejected} rejected this month. The Provisioning requests list has "
                "each one."
            ],
        )


def _day(value) -> datetime.date:
    """TruncMonth's answer as a date (a datetime in the current time zone on PostgreSQL)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
