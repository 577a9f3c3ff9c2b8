"""Money: an exact Decimal amount in one currency.

Amounts are never float. Arithmetic runs in a private decimal context, so a caller that changed
the thread's decimal context (precision, rounding) cannot change a price.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import (
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from functools import total_ordering

CENT = Decimal("0.01")

# Sums and products must be exact: a result too long for 60 digits raises instead of rounding.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation, Overflow, DivisionByZero])
# Rounding to cents is the one place where digits are dropped on purpose.
_ROUNDING = Context(prec=60, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Overflow])
# A share of an amount (proration) is a quotient: 60 digits, then rounded to cents once.
_DIVIDING = Context(prec=60, traps=[InvalidOperation, Overflow, DivisionByZero])


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined or compared."""


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Decimal from a Decimal, int or numeric string; float is refused (it is not exact)."""
    if isinstance(value, float):
        raise TypeError(f"money is never float: got {value!r}; use Decimal or str")
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"expected Decimal, int or str, got {type(value).__name__}")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"amount must be finite, got {value!r}")
    return result


def round_cents(amount: Decimal) -> Decimal:
    """Quantize to cents, ties away from zero (so -x rounds to exactly minus x rounded)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_ROUNDING)


def multiply(left: Decimal, right: Decimal | int) -> Decimal:
    return _EXACT.multiply(left, Decimal(right))


def share(amount: Decimal, part: Decimal | int, whole: Decimal | int) -> Decimal:
    """``amount x part / whole`` to 60 digits, not yet rounded to cents. The quotient of a
    cent amount by a whole of a few thousand days is either exactly on a half cent or far (more
    than 1/(200 x whole) of a cent) from one, so rounding it to cents after is the one rounding
    that counts: the same as rounding the exact fraction."""
    return _DIVIDING.divide(_EXACT.multiply(amount, Decimal(part)), Decimal(whole))


@total_ordering
@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        currency = self.currency
        if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
            raise ValueError(f"currency must be a three-letter code, got {currency!r}")
        object.__setattr__(self, "currency", currency.upper())

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def rounded(self) -> Money:
        """This amount rounded half-up to cents."""
        return Money(round_cents(self.amount), self.currency)

    def _check(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other)
        return Money(_EXACT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other)
        return Money(_EXACT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(_EXACT.minus(self.amount), self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            return NotImplemented
        return Money(multiply(self.amount, factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._check(other)
        return self.amount < other.amount

    def __str__(self) -> str:
        cents = round_cents(self.amount)
        if cents == 0:
            cents = abs(cents)  # no "-0.00"
        return f"{self.currency} {cents:,.2f}"
