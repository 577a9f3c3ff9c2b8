"""The pricing engine in one place: quantities and a price table in, lines and totals out.

Pure Python (no ORM, no request), so every rule here is tested without a database.
"""

from .change import ChangeKind, ChangeQuote, ChangeRow, TierMove, price_change, tier_moves
from .lines import Line, OrderQuote, Totals, price_line, price_order
from .proration import Period, ProratedLine, prorate, prorate_change, prorated_total
from .table import Charge, NoPrice, PricedProduct, PriceTable, Term, Tier

__all__ = [
    "ChangeKind",
    "ChangeQuote",
    "ChangeRow",
    "Charge",
    "Line",
    "NoPrice",
    "OrderQuote",
    "Period",
    "PriceTable",
    "PricedProduct",
    "ProratedLine",
    "Term",
    "Tier",
    "TierMove",
    "Totals",
    "price_change",
    "price_line",
    "price_order",
    "prorate",
    "prorate_change",
    "prorated_total",
    "tier_moves",
]
