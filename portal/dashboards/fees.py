"""Monthly recurring fees in time: each customer's fees on the first day of each month, and
what they add up to (the total, and the movements from one month to the next).

A customer's monthly recurring fees on a day are the payments of the monthly-term lines of its
agreement version in effect that day, as its page's Total Monthly Fees shows them. Lines of an
annual term are billed once a year and are not in it (the dashboard shows their total apart);
one-time charges recur never. The versions read are the ones that are, were or will be in
effect (Active, Scheduled, Superseded, Ended): a pending order is not in effect until the
vendor confirms it, and a cancelled or rejected one never was.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from portal.companies.models import Agreement, AgreementLine

Status = Agreement.Status
IN_TIME = [Status.ACTIVE, Status.SCHEDULED, Status.SUPERSEDED, Status.ENDED]
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def in_effect_on(day: datetime.date, prefix: str = "agreement__") -> Q:
    """The versions in effect on ``day``: [effective_from, effective_until) holds it."""
    return Q(**{f"{prefix}effective_from__lte": day}) & (
        Q(**{f"{prefix}effective_until__isnull": True}) | Q(**{f"{prefix}effective_until__gt": day})
    )


def lines_in_time(days: Sequence[datetime.date]):
    """The monthly-term lines of the versions in effect on any day of ``days`` (sorted)."""
    return AgreementLine.objects.filter(
        Q(agreement__effective_until__isnull=True) | Q(agreement__effective_until__gt=days[0]),
        term="monthly",
        agreement__status__in=IN_TIME,
        agreement__effective_from__lte=days[-1],
    )


def company_fees(
    lines, days: Sequence[datetime.date], *, also: str | None = None
) -> dict[int, tuple[Decimal, ...]] | dict[tuple[int, int], tuple[Decimal, ...]]:
    """Each customer's monthly recurring fees on each of ``days``: one grouped query, the
    sums made by the database (``lines``: ``lines_in_time`` scoped by the caller). ``also``:
    a field to key them by as well, (customer, that field) (the vendor's: the partner)."""
    sums = {
        f"d{n}": Sum("payment", filter=in_effect_on(day), default=ZERO)
        for n, day in enumerate(days)
    }
    keys = ["agreement__company_id", *([also] if also else [])]
    rows = lines.values(*keys).annotate(**sums).values_list(*keys, *sums).order_by()
    width = len(keys)
    # SQLite adds decimals as floats: back to cents (exact: every payment is whole cents).
    return {
        (row[:width] if also else row[0]): tuple(amount.quantize(CENT) for amount in row[width:])
        for row in rows
    }


@dataclass
class Movements:
    """One month's change of the recurring fees, by kind: new (a customer who paid nothing
    the month before), expansion, contraction, lost (one who pays nothing now). Contraction
    and lost are negative amounts."""

    new: Decimal = ZERO
    expansion: Decimal = ZERO
    contraction: Decimal = ZERO
    lost: Decimal = ZERO
    customers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))

    @property
    def net(self) -> Decimal:
        return self.new + self.expansion + self.contraction + self.lost

    def add(self, before: Decimal, after: Decimal) -> None:
        if before == after:
            return
        if not before:
            kind, amount = "new", after
        elif not after:
            kind, amount = "lost", -before
        elif after > before:
            kind, amount = "expansion", after - before
        else:
            kind, amount = "contraction", after - before
        setattr(self, kind, getattr(self, kind) + amount)
        self.customers[kind] += 1


KINDS = ("new", "expansion", "contraction", "lost")


def totals(fees: Iterable[Sequence[Decimal]], count: int) -> list[Decimal]:
    """The sum over customers of each day's fees."""
    sums = [ZERO] * count
    for row in fees:
        for n, amount in enumerate(row):
            sums[n] += amount
    return sums


def movements(fees: Iterable[Sequence[Decimal]], count: int) -> list[Movements]:
    """The movements into each day from the day before it (``count - 1`` of them): a
    customer's fees compared on consecutive first days of the month."""
    found = [Movements() for _ in range(count - 1)]
    for row in fees:
        for n in range(1, count):
            found[n - 1].add(row[n - 1], row[n])
    return found
