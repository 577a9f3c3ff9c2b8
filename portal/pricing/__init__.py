"""Pricing: contracted prices, order quotes and change quotes (pure Python, see engine.py)."""

from .engine import (
    ChangeKind,
    ChangeQuote,
    ChangeRow,
    Charge,
    Line,
    NoPrice,
    OrderQuote,
    PricedProduct,
    PriceTable,
    Term,
    Tier,
    TierMove,
    Totals,
    price_change,
    price_line,
    price_order,
    tier_moves,
)
from .money import CurrencyMismatch, Money

__all__ = [
    "ChangeKind",
    "ChangeQuote",
    "ChangeRow",
    "Charge",
    "CurrencyMismatch",
    "Line",
    "Money",
    "NoPrice",
    "OrderQuote",
    "PriceTable",
    "PricedProduct",
    "Term",
    "Tier",
    "TierMove",
    "Totals",
    "price_change",
    "price_line",
    "price_order",
    "tier_moves",
]
