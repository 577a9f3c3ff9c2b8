"""Priced lines, their totals, and new-business order quotes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .money import CurrencyMismatch, Money, multiply, round_cents
from .table import Charge, PriceTable, Term, check_quantity


@dataclass(frozen=True)
class Line:
    """One product on an order or agreement.

    payment = quantity x unit_price, rounded half-up to cents once, here. A flat line has
    quantity 1 (or -1 on a change quote), so the same rule gives payment = unit_price.
    """

    code: str
    name: str
    term: Term
    charge: Charge
    quantity: int
    unit_price: Money
    payment: Money

    def __post_init__(self) -> None:
        object.__setattr__(self, "term", Term(self.term))
        object.__setattr__(self, "charge", Charge(self.charge))
        check_quantity(self.quantity)
        if self.charge is Charge.FLAT and abs(self.quantity) != 1:
            raise ValueError(f"{self.code}: a flat line has quantity 1 or -1, not {self.quantity}")
        if self.unit_price.currency != self.payment.currency:
            raise CurrencyMismatch(f"{self.code}: unit price and payment in different currencies")

    @classmethod
    def of(
        cls, code: str, name: str, term: Term, charge: Charge, quantity: int, unit_price: Money
    ) -> Line:
        """A line with its payment worked out from quantity and unit price."""
        payment = (unit_price * check_quantity(quantity)).rounded()
        return cls(code, name, term, charge, quantity, unit_price, payment)

    @property
    def currency(self) -> str:
        return self.payment.currency

    def negated(self) -> Line:
        """The same line taken away: negative quantity, same unit price, payment exactly minus."""
        return Line(
            self.code,
            self.name,
            self.term,
            self.charge,
            -self.quantity,
            self.unit_price,
            -self.payment,
        )


@dataclass(frozen=True)
class Totals:
    """The fees of a set of lines, per term."""

    monthly: Money
    annual: Money
    one_time: Money

    def __post_init__(self) -> None:
        if not self.monthly.currency == self.annual.currency == self.one_time.currency:
            raise CurrencyMismatch("totals in different currencies")

    @classmethod
    def zero(cls, currency: str) -> Totals:
        nothing = Money.zero(currency)
        return cls(nothing, nothing, nothing)

    @classmethod
    def of(cls, lines: Iterable[Line], currency: str) -> Totals:
        sums = {term: Money.zero(currency) for term in Term}
        for line in lines:
            sums[line.term] += line.payment  # raises CurrencyMismatch on a foreign line
        return cls(sums[Term.MONTHLY], sums[Term.ANNUAL], sums[Term.ONE_TIME])

    @property
    def currency(self) -> str:
        return self.monthly.currency

    @property
    def initial(self) -> Money:
        """Total Initial Fees: the first invoice carries every term's fees once."""
        return self.monthly + self.annual + self.one_time

    def by_term(self, term: Term) -> Money:
        # The term values are the field names.
        return getattr(self, Term(term).value)

    def __add__(self, other: object) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(
            self.monthly + other.monthly,
            self.annual + other.annual,
            self.one_time + other.one_time,
        )

    def __sub__(self, other: object) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(
            self.monthly - other.monthly,
            self.annual - other.annual,
            self.one_time - other.one_time,
        )


@dataclass(frozen=True)
class OrderQuote:
    lines: tuple[Line, ...]
    totals: Totals


def price_line(table: PriceTable, code: str, quantity: int) -> Line:
    """A line for `quantity` of `code` at the table's price (raises NoPrice)."""
    unit_price = table.unit_price(code, quantity)
    product = table.product(code)
    return Line.of(
        product.code,
        product.name,
        product.term,
        product.charge,
        product.priced_quantity(quantity),
        unit_price,
    )


def price_payment(table: PriceTable, code: str, quantity: int) -> tuple[Term, Decimal]:
    """The term and payment of ``price_line``'s line, without making it (the dashboards price
    thousands of prospects at once): the same unit price and rounding."""
    product = table.product(code, quantity)
    unit_price = table.unit_amount(code, quantity)
    return product.term, round_cents(multiply(unit_price, product.priced_quantity(quantity)))


def price_order(table: PriceTable, quantities: Mapping[str, int]) -> OrderQuote:
    """Lines in the mapping's order; a quantity of 0 means the product is not ordered."""
    lines = []
    for code, quantity in quantities.items():
        if check_quantity(quantity) < 0:
            raise ValueError(f"{code}: quantity must not be negative, got {quantity}")
        if quantity:
            lines.append(price_line(table, code, quantity))
    return OrderQuote(tuple(lines), Totals.of(lines, table.currency))
