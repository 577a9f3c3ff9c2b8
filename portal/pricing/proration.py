"""Proration: the part of a recurring fee for the rest of a billing period, by days.

A mid-term purchase or seat increase is charged from the day it is bought to the end of the
billing period it falls in (the month between billing dates, or the year of an annual term);
from the next billing date on, the new recurring fee is invoiced in full. Dates in, Money out:
the callers work out the periods (portal/changes/periods.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from .change import ChangeQuote
from .lines import Line
from .money import Money, share
from .table import Term


@dataclass(frozen=True)
class Period:
    """A billing period: [start, end), ``end`` being the next billing date."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"a billing period ends after it starts: {self.start} – {self.end}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def days_left(self, today: datetime.date) -> int:
        """Days from ``today`` (counted) to the end (not counted)."""
        if not self.start <= today < self.end:
            raise ValueError(f"{today} is not in the billing period {self.start} – {self.end}")
        return (self.end - today).days


def prorate(payment: Money, period: Period, today: datetime.date) -> Money:
    """``payment x days_left / days_in_period``, rounded half-up to cents once: the part of a
    recurring payment for the rest of the billing period from ``today``."""
    left = period.days_left(today)
    return Money(share(payment.amount, left, period.days), payment.currency).rounded()


@dataclass(frozen=True)
class ProratedLine:
    """The first charge of a product bought or increased mid-period: the recurring fee it adds
    (``increase``), charged for the days left of its billing period (``charge``)."""

    code: str
    name: str
    term: Term
    period: Period
    days_left: int
    increase: Money
    charge: Money


def _recurring(line: Line) -> bool:
    return line.term in (Term.MONTHLY, Term.ANNUAL)


def prorate_change(
    quote: ChangeQuote, periods: Mapping[str, Period], today: datetime.date
) -> tuple[ProratedLine, ...]:
    """The prorated charge of each recurring product whose payment goes up with the change (a
    product added, or more seats), from ``today`` to the end of its billing period
    (``periods``: product code → its period). A payment that goes down (fewer seats, a product
    dropped, a cheaper volume tier) is not credited: it changes at the next billing date."""
    prior = {line.code: line.payment for line in quote.prior}
    prorated = []
    for line in quote.proposed:
        if not _recurring(line):
            continue
        increase = line.payment - prior.get(line.code, Money.zero(line.currency))
        if increase.amount <= 0:
            continue
        period = periods[line.code]
        prorated.append(
            ProratedLine(
                line.code,
                line.name,
                line.term,
                period,
                period.days_left(today),
                increase,
                prorate(increase, period, today),
            )
        )
    return tuple(prorated)


def prorated_total(lines: tuple[ProratedLine, ...], currency: str) -> Money:
    return sum((line.charge for line in lines), Money.zero(currency))
