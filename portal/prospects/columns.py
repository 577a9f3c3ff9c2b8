"""The columns of the prospect spreadsheet: template, upload and export share them.

Fixed columns first, then one column per product the MSP's agreement enables: ``Product S1``
(Yes or empty) or, for a product that takes its own seat count, ``Product A1 Seats`` (a number,
or empty when not wanted).
"""

import re
from dataclasses import dataclass

from portal.catalog.models import Product


@dataclass(frozen=True)
class SheetColumn:
    header: str
    key: str  # a field of the prospect, or "product" for a product column
    help: str
    product: Product | None = None
    example: str = ""


FIXED = [
    SheetColumn(
        "ID",
        "id",
        "Leave empty for a new prospect. Filled in by Export: the row then updates that prospect.",
    ),
    SheetColumn("Company Type", "company_type", "One of the list.", example="End customer"),
    SheetColumn(
        "Company Name",
        "name",
        "Required. The full legal name, no abbreviations; unique among your companies.",
        example="Northwind Traders Limited",
    ),
    SheetColumn(
        "Domain",
        "domain",
        "Required. The e-mail domain, like example.com; no other prospect or customer may hold it.",
        example="northwind-traders.example",
    ),
    SheetColumn(
        "Website",
        "website",
        "Optional. A web address.",
        example="https://northwind-traders.example",
    ),
    SheetColumn("Sector", "sector", "Required. One of the list.", example="Retail"),
    SheetColumn(
        "Implementation Lead E-mail",
        "implementation_lead",
        "Required. The e-mail of a user of your MSP with the MSP Implementation Lead option.",
    ),
    SheetColumn(
        "Secondary Implementation Contact E-mail",
        "secondary_contact",
        "Optional. As above; not the same person as the lead.",
    ),
    SheetColumn(
        "Expected Provision Date",
        "expected_provision_date",
        "Optional. YYYY-MM-DD; not in the past for a new prospect.",
        example="2027-03-01",
    ),
    SheetColumn(
        "Permitted Users",
        "permitted_users",
        "Required. A whole number from 1 to 1,000,000.",
        example="250",
    ),
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
