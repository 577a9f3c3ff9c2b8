"""What a customer's agreement becomes at a renewal: the lines whose term ends that day renew
(a new term, the changes scheduled for it, the prices in force that day), those without
auto-renew or removed end, and the others carry on as they are.

No writes: the Renewals list, Manage renewal's summary, the reminders and the renewal run all
ask this one function, so that what the MSP is shown is what the run does.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from portal.catalog.models import Commitment
from portal.companies.models import AgreementLine
from portal.companies.terms import term_end_of
from portal.pricing import NoPrice, PriceTable, price_line

from .models import RenewalChange

Kind = RenewalChange.Kind


class NotRenewable(ValueError):
    """A line cannot renew as scheduled: its product has no price in force that day."""


@dataclass(frozen=True)
class RenewedLine:
    """A line of the agreement after the renewal; ``was`` is the line before it."""

    was: AgreementLine
    quantity: int
    unit_price: Decimal
    payment: Decimal
    commitment: str
    term_start: datetime.date | None
    term_end: datetime.date | None
    auto_renew: bool
    renews: bool  # its term ends at this renewal (else it carries on as it is)
    changes: tuple[RenewalChange, ...] = ()

    @property
    def code(self) -> str:
        return self.was.code

    @property
    def name(self) -> str:
        return self.was.name

    @property
    def price_moved(self) -> bool:
        return self.renews and self.unit_price != self.was.unit_price


@dataclass(frozen=True)
class RenewalPlan:
    renews_on: datetime.date
    currency: str
    lines: tuple[RenewedLine, ...]  # what the customer has from renews_on
    ending: tuple[AgreementLine, ...]  # lines that end that day (auto-renew off, removed)
    removed: tuple[RenewalChange, ...] = field(default=())

    @property
    def renewing(self) -> tuple[RenewedLine, ...]:
        return tuple(line for line in self.lines if line.renews)

    @property
    def changed(self) -> bool:
        """Whether anything but the term dates changes: then the renewal is a new version."""
        return bool(self.ending) or any(
            line.renews
            and (
                line.quantity != line.was.quantity
                or line.unit_price != line.was.unit_price
                or line.commitment != line.was.commitment
            )
            for line in self.lines
        )

    @property
    def commitment_renews(self) -> bool:
        """A commitment (1 or 3 years) renews: a new version, whatever else changes."""
        return any(line.commitment != Commitment.MONTHLY for line in self.renewing)

    @property
    def value(self) -> Decimal:
        """What the renewing lines cost per their price term, at the prices in force then."""
        return sum((line.payment for line in self.renewing), Decimal("0.00"))

    @property
    def value_before(self) -> Decimal:
        """The same lines at their quantities and prices today."""
        return sum((line.was.payment for line in self.renewing), Decimal("0.00"))

    @property
    def monthly_fees(self) -> Decimal:
        return sum(
            (line.payment for line in self.lines if line.was.term == "monthly"), Decimal("0.00")
        )

    def seats(self, before: int) -> int:
        """The version's seats (Permitted Users) after the renewal, ``before`` those of the
        version in effect: as they were, unless a line ended or its seats went down; then
        the most seats of a per-seat line left (S1 at 200 and C1 at 350 keep 350)."""
        fewer = self.ending or any(line.quantity != line.was.quantity for line in self.lines)
        if not fewer:
            return before
        per_seat = [line.quantity for line in self.lines if line.was.charge == "per_seat"]
        return max(per_seat, default=before)

    @property
    def ends_everything(self) -> bool:
        """Nothing is left after the renewal: the customer becomes a former customer."""
        return not self.lines


def renewal_plan(
    *,
    lines: list[AgreementLine],
    changes: list[RenewalChange],
    table: PriceTable,
    renews_on: datetime.date,
) -> RenewalPlan:
    """The renewal on ``renews_on`` of the version in effect's ``lines``, with the scheduled
    ``changes`` for it (others are ignored) and ``table``, the prices in force that day."""
    scheduled: dict[str, list[RenewalChange]] = {}
    for change in changes:
        if change.renews_on == renews_on and change.status == RenewalChange.Status.SCHEDULED:
            scheduled.setdefault(change.code, []).append(change)
    kept, ending, removed = [], [], []
    for line in lines:
        if line.term_end is None or line.term_end > renews_on or not line.commitment:
            # Not this renewal's (another term end, or a one-time charge): carries on.
            kept.append(_carried(line))
            continue
        own = {change.kind: change for change in scheduled.get(line.code, ())}
        if Kind.REMOVE in own or not line.auto_renew:
            ending.append(line)
            if Kind.REMOVE in own:
                removed.append(own[Kind.REMOVE])
            continue
        kept.append(_renewed(line, own, table, renews_on))
    return RenewalPlan(
        renews_on=renews_on,
        currency=table.currency,
        lines=tuple(kept),
        ending=tuple(ending),
        removed=tuple(removed),
    )


def _carried(line: AgreementLine) -> RenewedLine:
    return RenewedLine(
        was=line,
        quantity=line.quantity,
        unit_price=line.unit_price,
        payment=line.payment,
        commitment=line.commitment,
        term_start=line.term_start,
        term_end=line.term_end,
        auto_renew=line.auto_renew,
        renews=False,
    )


def _renewed(line, own: dict, table: PriceTable, renews_on: datetime.date) -> RenewedLine:
    seats = own.get(Kind.SEATS)
    term = own.get(Kind.TERM)
    quantity = seats.seats if seats is not None else line.quantity
    commitment = term.commitment if term is not None else line.commitment
    try:
        priced = price_line(table, line.code, quantity)
    except NoPrice as error:
        raise NotRenewable(
            f"{line.code} has no contracted price in force on {renews_on:%Y-%m-%d} for "
            f"{quantity:,} seats: {error}"
        ) from None
    return RenewedLine(
        was=line,
        quantity=priced.quantity,
        unit_price=priced.unit_price.amount,
        payment=priced.payment.amount,
        commitment=commitment,
        term_start=renews_on,
        term_end=term_end_of(renews_on, commitment),
        auto_renew=True,
        renews=True,
        changes=tuple(change for change in (seats, term) if change is not None),
    )
