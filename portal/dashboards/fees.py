"""Monthly recurring fees in time: each partner's fees on the first day of each month, and the
movements from one month to the next (new, expansion, contraction, lost).

A customer's monthly recurring fees on a day are the payments of the monthly-term lines of its
agreement version in effect that day, as its page's Total Monthly Fees shows them (lines of an
annual term are billed once a year and are not in it; one-time charges never recur). The
services keep each partner's changes month by month (``portal.companies.monthly``): the fees
on a day are those changes added up to it, a few rows a month whatever the customers' number.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import Sum

from portal.companies.models import PartnerLineDay, PartnerMonth

ZERO = Decimal("0.00")
# A partner's (or a customer's) lines in effect: (term, charge, code, contracted unit price):
# [seats or units, lines].
Lines = dict[tuple[str, str, str, Decimal], list[int]]
KINDS = ("new", "expansion", "contraction", "lost")


def money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


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


@dataclass
class PartnerFees:
    """A partner's recurring fees on each day, the customers paying them, and the movements
    into each day from the one before (one fewer than the days)."""

    fees: list[Decimal]
    paying: list[int]
    moves: list[Movements]


COLUMNS = ("net", *KINDS, *(f"{kind}_customers" for kind in KINDS))


def partner_fees(days: Sequence[datetime.date], partners=None) -> dict[int, PartnerFees]:
    """Each partner's fees on ``days`` (first days of months, in order), or only those of
    ``partners`` (ids): one query of a few rows a month."""
    rows = PartnerMonth.objects.filter(month__lte=days[-1])
    if partners is not None:
        rows = rows.filter(partner_id__in=partners)
    rows = rows.order_by("partner_id", "month").values_list("partner_id", "month", *COLUMNS)
    return {
        partner: _running(days, (row[1:] for row in group))
        for partner, group in groupby(rows, key=itemgetter(0))
    }


def _running(days: Sequence[datetime.date], months) -> PartnerFees:
    """One partner's months (in order) added up to each day; a month's movement counts
    towards the first day on or after it (one before ``days[0]`` only to its total)."""
    found = _empty(len(days))
    fees = paying = at = 0
    for month, *amounts in months:
        while at < len(days) and days[at] < month:
            found.fees[at], found.paying[at] = money(fees), paying
            at += 1
        values = dict(zip(COLUMNS, amounts, strict=True))
        fees += values["net"]
        paying += values["new_customers"] - values["lost_customers"]
        if at:
            move = found.moves[at - 1]
            for kind in KINDS:
                setattr(move, kind, getattr(move, kind) + money(values[kind]))
                move.customers[kind] += values[f"{kind}_customers"]
    for n in range(at, len(days)):
        found.fees[n], found.paying[n] = money(fees), paying
    return found


def _empty(count: int) -> PartnerFees:
    return PartnerFees([ZERO] * count, [0] * count, [Movements() for _ in range(count - 1)])


def added_up(found: Iterable[PartnerFees], count: int) -> PartnerFees:
    """Several partners' fees as one (amounts of one currency only)."""
    total = _empty(count)
    for figures in found:
        for n in range(count):
            total.fees[n] += figures.fees[n]
            total.paying[n] += figures.paying[n]
        for move, other in zip(total.moves, figures.moves, strict=True):
            for kind in KINDS:
                setattr(move, kind, getattr(move, kind) + getattr(other, kind))
                move.customers[kind] += other.customers[kind]
    return total


def partner_lines(partner, days: Sequence[datetime.date]) -> dict[datetime.date, Lines]:
    """The partner's lines in effect on each of ``days``: what they came to by the first day
    (summed by the database), then the changes up to the last."""
    days = sorted(set(days))
    keys = ("term", "charge", "code", "unit_price")
    rows = PartnerLineDay.objects.filter(partner=partner)
    total: Lines = {}
    for *key, quantity, count in (
        rows.filter(day__lte=days[0])
        .values(*keys)
        .annotate(seats=Sum("quantity"), count=Sum("lines"))
        .values_list(*keys, "seats", "count")
        .order_by()
    ):
        total[tuple(key)] = [quantity, count]
    changes = rows.filter(day__gt=days[0], day__lte=days[-1]).order_by("day")
    found = {days[0]: {key: list(value) for key, value in total.items()}}
    pending = iter(changes.values_list("day", *keys, "quantity", "lines"))
    row = next(pending, None)
    for day in days[1:]:
        while row is not None and row[0] <= day:
            was = total.setdefault(tuple(row[1:5]), [0, 0])
            was[0] += row[5]
            was[1] += row[6]
            row = next(pending, None)
        found[day] = {key: list(value) for key, value in total.items()}
    return found
