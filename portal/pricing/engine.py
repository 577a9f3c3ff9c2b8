"""The pricing engine in one place: quantities and a price table in, lines and totals out.

Pure Python (no ORM, no request), so every rule here is tested without a database.
"""

from .change import ChangeKind, ChangeQuote, ChangeRow, TierMove, price_change, tier_moves
from .lines import Line, OrderQuote, Totals, price_line, price_order
from .table import Charge, NoPrice, PricedProduct, PriceTable, Term, Tier

__all__ = [
    "ChangeKind",
    "ChangeQuote",
    "ChangeRow",
    "Charge",
    "Line",
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
