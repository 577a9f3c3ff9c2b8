"""The columns of the prospect spreadsheet: template, upload and export share them.

Fixed columns first (declared with the lists' columns, in ``companies.columns``), then one column
per product the MSP's agreement enables: ``Product S1`` (Yes or empty) or, for a product that
takes its own seat count, ``Product A1 Seats`` (a number, or empty when not wanted).
"""

import re
from dataclasses import dataclass

from portal.catalog.models import Product
from portal.companies.columns import SHEET


@dataclass(frozen=True)
class SheetColumn:
    header: str
    key: str  # a field of the prospect, or "product" for a product column
    help: str
    product: Product | None = None
    example: str = ""


# The fixed columns, as ``companies.columns`` declares them; ``key`` is the Company field.
FIXED = [
    SheetColumn(column.sheet, column.field, column.help, example=column.example) for column in SHEET
]
YES = {"yes", "y", "true", "1", "x"}
# Text a spreadsheet would run as a formula: exported with a quote before it, which the
# upload takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NO = {"", "no", "n", "false", "0"}


def product_columns(products: list[Product]) -> list[SheetColumn]:
    columns = []
    for product in products:
        if product.needs_own_seats:
            columns.append(
                SheetColumn(
                    f"Product {product.code} Seats",
                    "product",
                    f"{product.name}: the seats wanted (at most the permitted users), or empty.",
                    product=product,
                )
            )
        else:
            columns.append(
                SheetColumn(
                    f"Product {product.code}",
                    "product",
                    f"{product.name}: Yes, or empty.",
                    product=product,
                )
            )
    return columns


def sheet_columns(products: list[Product]) -> list[SheetColumn]:
    return FIXED + product_columns(products)


def header_key(header: object) -> str:
    """Headers match without regard to case, spaces and punctuation: "E-mail" = "email"."""
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())
