"""The MSP's own prices: what it sells a product at, and its margin over the contracted cost.

A selling rule is either a price per unit (per seat, or the flat price of a flat product) or a
markup in percent on the contracted unit price. The selling unit price is worked out per unit
and rounded half-up to cents once; a line's selling payment is quantity x that price, rounded
once, as a contracted line's is. The margin is the selling payment less the cost: exact, since
both are whole cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from .lines import Line
from .money import Money, round_cents, share, to_decimal

HUNDRED = Decimal(100)
MAX_MARKUP = Decimal(1000)  # percent: a markup beyond ten times the cost is a typing error


class Basis(StrEnum):
    PRICE = "price"
    MARKUP = "markup"


@dataclass(frozen=True)
class SellingRule:
    basis: Basis
    amount: Decimal  # the price per unit, or the markup in percent

    def __post_init__(self) -> None:
        object.__setattr__(self, "basis", Basis(self.basis))
        amount = to_decimal(self.amount)
        if amount < 0:
            raise ValueError("a selling price or markup is never negative")
        if self.basis is Basis.MARKUP and amount > MAX_MARKUP:
            raise ValueError(f"a markup is at most {MAX_MARKUP}%")
        object.__setattr__(self, "amount", amount)

    def unit_price(self, cost: Money) -> Money:
        """The selling price of one unit whose contracted price is ``cost``."""
        if self.basis is Basis.PRICE:
            return Money(round_cents(self.amount), cost.currency)
        # cost x (100 + markup) / 100, exact to 60 digits, then rounded to cents once.
        return Money(round_cents(share(cost.amount, HUNDRED + self.amount, HUNDRED)), cost.currency)


@dataclass(frozen=True)
class SoldLine:
    """A contracted line beside the same line at the MSP's price (None: no price set)."""

    line: Line
    sold: Line | None

    @property
    def margin(self) -> Money | None:
        return None if self.sold is None else self.sold.payment - self.line.payment

    @property
    def margin_percent(self) -> Decimal | None:
        """The margin as a share of the selling payment, to one decimal (None: no sale or a
        sale of nothing)."""
        if self.sold is None or not self.sold.payment.amount:
            return None
        percent = share(self.margin.amount, HUNDRED, self.sold.payment.amount)
        return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def sold(line: Line, rule: SellingRule | None) -> SoldLine:
    """``line`` at the MSP's price per ``rule`` (the same quantity and term)."""
    if rule is None:
        return SoldLine(line, None)
    return SoldLine(
        line,
        Line.of(
            line.code,
            line.name,
            line.term,
            line.charge,
            line.quantity,
            rule.unit_price(line.unit_price),
        ),
    )
