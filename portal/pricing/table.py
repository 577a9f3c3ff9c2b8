"""Price tables: products with volume tiers, and the unit price for a quantity."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from .money import Money, to_decimal


class Term(StrEnum):
    MONTHLY = "monthly"
    ANNUAL = "annual"
    ONE_TIME = "one_time"


class Charge(StrEnum):
    PER_SEAT = "per_seat"
    FLAT = "flat"


class NoPrice(ValueError):
    """The table holds no price for this product at this quantity."""

    def __init__(self, code: str, quantity: int, reason: str) -> None:
        super().__init__(f"no price for {code!r} at quantity {quantity}: {reason}")
        self.code = code
        self.quantity = quantity


def check_quantity(quantity: object) -> int:
    # bool is an int subclass, and a float seat count is always a bug upstream.
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise TypeError(f"quantity must be an int, got {quantity!r}")
    return quantity


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    unit_price: Decimal

    def __post_init__(self) -> None:
        if check_quantity(self.min_quantity) < 1:
            raise ValueError(f"a tier starts at quantity 1 or more, got {self.min_quantity}")
        price = to_decimal(self.unit_price)
        if price < 0:
            raise ValueError(f"unit price must not be negative, got {price}")
        object.__setattr__(self, "unit_price", price)


@dataclass(frozen=True)
class PricedProduct:
    """A product as priced for one partner.

    Volume tiers are "all units": the whole quantity is charged at the unit price of the tier
    with the largest min_quantity not above the quantity. A flat product is charged once,
    whatever the seat count, so it is always priced as quantity 1.
    """

    code: str
    name: str
    charge: Charge
    term: Term
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "charge", Charge(self.charge))
        object.__setattr__(self, "term", Term(self.term))
        tiers = tuple(sorted(self.tiers, key=lambda tier: tier.min_quantity))
        if not tiers:
            raise ValueError(f"{self.code}: a product needs at least one tier")
        starts = [tier.min_quantity for tier in tiers]
        if len(set(starts)) != len(starts):
            raise ValueError(f"{self.code}: two tiers start at the same quantity")
        if self.charge is Charge.FLAT and starts[0] != 1:
            raise ValueError(f"{self.code}: a flat product needs a tier starting at 1")
        object.__setattr__(self, "tiers", tiers)

    def priced_quantity(self, quantity: int) -> int:
        """The quantity a line shows and the tier is looked up with: 1 for a flat product."""
        return 1 if self.charge is Charge.FLAT else quantity

    def tier_for(self, quantity: int) -> Tier | None:
        """The tier that a (positive) quantity falls in; None below the first tier."""
        found = None
        for tier in self.tiers:
            if tier.min_quantity > quantity:
                break
            found = tier
        return found

    def tier_seats(self, tier: Tier) -> tuple[int, int | None]:
        """The quantities a tier covers: its first and last (None: no upper end)."""
        later = [t.min_quantity for t in self.tiers if t.min_quantity > tier.min_quantity]
        return tier.min_quantity, (later[0] - 1 if later else None)


@dataclass(frozen=True)
class PriceTable:
    """One partner's contracted prices, all in the partner's currency."""

    currency: str
    products: Mapping[str, PricedProduct]

    def __post_init__(self) -> None:
        # Validates the code once, through Money.
        object.__setattr__(self, "currency", Money.zero(self.currency).currency)
        for code, product in self.products.items():
            if code != product.code:
                raise ValueError(f"product filed under {code!r} has code {product.code!r}")
        # A read-only copy: a caller mutating its dict must not change quoted prices.
        object.__setattr__(self, "products", MappingProxyType(dict(self.products)))

    @classmethod
    def of(cls, currency: str, products: Iterable[PricedProduct]) -> PriceTable:
        products = list(products)
        table = {product.code: product for product in products}
        if len(table) != len(products):
            raise ValueError("two products share a code")
        return cls(currency, table)

    def product(self, code: str, quantity: int = 1) -> PricedProduct:
        try:
            return self.products[code]
        except KeyError:
            raise NoPrice(code, quantity, "not in the price table") from None

    def unit_price(self, code: str, quantity: int) -> Money:
        return Money(self.unit_amount(code, quantity), self.currency)

    def unit_amount(self, code: str, quantity: int) -> Decimal:
        """``unit_price``'s amount (for callers that price thousands of lines at once)."""
        check_quantity(quantity)
        product = self.product(code, quantity)
        if quantity < 1:
            raise NoPrice(code, quantity, "quantity must be at least 1")
        tier = product.tier_for(product.priced_quantity(quantity))
        if tier is None:
            first = product.tiers[0].min_quantity
            raise NoPrice(code, quantity, f"below the first tier (minimum {first})")
        return tier.unit_price
