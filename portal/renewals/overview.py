"""What Manage renewal shows of a customer (the customer page's Renewal section and the API):
each product line in effect with its term, the last day its renewal can be changed and the
changes scheduled for it, and per renewal day the agreement it will be, from ``renewal_plan``
at the prices in force that day. Reads only."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from portal.catalog.models import Billing, Commitment
from portal.catalog.selectors import price_table_for
from portal.companies.models import AgreementLine, Company

from .deadlines import last_day
from .models import RenewalChange
from .plan import NotRenewable, RenewalPlan, renewal_plan
from .services import lines_at, renewal_refusal, scheduled_changes, versions_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class LineRenewal:
    """One product line in effect, as Manage renewal shows it."""

    line: AgreementLine
    changes: tuple[RenewalChange, ...]
    refusal: str  # why its renewal cannot be changed today ("" when it can)
    last_day: datetime.date | None
    days_left: int | None  # to the last day, from today

    @property
    def code(self) -> str:
        return self.line.code

    @property
    def renews(self) -> bool:
        return bool(self.line.commitment) and self.line.term_end is not None

    @property
    def open(self) -> bool:
        return not self.refusal

    @property
    def term(self) -> str:
        return Commitment(self.line.commitment).label if self.line.commitment else ""

    @property
    def billing(self) -> str:
        return Billing(self.line.billing).label if self.line.billing else ""

    @property
    def other_terms(self) -> list[Commitment]:
        """The terms the product is offered on, but the line's own: Change term's choices."""
        return [t for t in self.line.product.terms() if t.value != self.line.commitment]

    @property
    def removal(self) -> RenewalChange | None:
        return next((c for c in self.changes if c.kind == RenewalChange.Kind.REMOVE), None)

    @property
    def has_seats(self) -> bool:
        """Fewer seats is possible: a per-seat product with more than one."""
        return self.line.charge == "per_seat" and self.line.quantity > 1


@dataclass(frozen=True)
class PlanSummary:
    """The addendum-like summary of one renewal day: the agreement from that day, priced."""

    renews_on: datetime.date
    plan: RenewalPlan | None
    error: str  # the plan cannot be priced: a product without a price in force that day
    monthly_now: Decimal
    annual_now: Decimal

    def _total(self, term: str) -> Decimal:
        lines = self.plan.lines if self.plan else ()
        return sum((line.payment for line in lines if line.was.term == term), ZERO)

    @property
    def monthly(self) -> Decimal:
        return self._total("monthly")

    @property
    def annual(self) -> Decimal:
        return self._total("annual")

    @property
    def monthly_difference(self) -> Decimal:
        return self.monthly - self.monthly_now

    @property
    def annual_difference(self) -> Decimal:
        return self.annual - self.annual_now


@dataclass(frozen=True)
class Renewal:
    lines: list[LineRenewal]
    plans: list[PlanSummary]
    currency: str

    @property
    def renewing(self) -> list[LineRenewal]:
        return [row for row in self.lines if row.renews]


def renewal_of(company: Company, today: datetime.date, agreements=None) -> Renewal | None:
    """Manage renewal of ``company`` as of ``today``; None without an agreement in effect.
    ``agreements``: its versions with their lines, if read already."""
    active, scheduled = versions_of(company, agreements)
    if active is None:
        return None
    changes = scheduled_changes(company)
    rows = []
    for line in active.lines.all():
        own = tuple(c for c in changes if c.code == line.code)
        end = line.term_end if line.commitment else None
        deadline = last_day(end, line.product) if end else None
        rows.append(
            LineRenewal(
                line=line,
                changes=own,
                refusal=renewal_refusal(line, today),
                last_day=deadline,
                days_left=(deadline - today).days if deadline else None,
            )
        )
    now = list(active.lines.all())
    monthly_now = sum((line.payment for line in now if line.term == "monthly"), ZERO)
    annual_now = sum((line.payment for line in now if line.term == "annual"), ZERO)
    plans = []
    # Each renewal day still ahead, soonest first (most customers have one).
    for day in sorted({row.line.term_end for row in rows if row.renews}):
        if day < today:
            continue
        plan, error = None, ""
        try:
            plan = renewal_plan(
                lines=lines_at(active, scheduled, day),
                changes=changes,
                table=price_table_for(company.partner, on=day),
                renews_on=day,
            )
        except NotRenewable as exc:
            error = str(exc)
        plans.append(PlanSummary(day, plan, error, monthly_now, annual_now))
    return Renewal(lines=rows, plans=plans, currency=active.currency)
