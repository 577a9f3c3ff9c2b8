"""The columns of the prospect spreadsheet: template, upload and export share them.

Fixed columns first (declared with the lists' columns, in ``companies.columns``), then one column
per product the MSP's agreement enables: ``Product S1`` (Yes or empty) or, for a product that
takes its own seat count, ``Product A1 Seats`` (a number, or empty when not wanted).
"""

from dataclasses import dataclass

from portal.catalog.models import Product
from portal.companies.columns import (
    COMPANY_TYPE,
    DOMAIN,
    ID,
    LEAD,
    NAME,
    PROVISION,
    SECONDARY_CONTACT,
    SECTOR,
    USERS,
    WEBSITE,
    CompanyColumn,
)


@dataclass(frozen=True)
class SheetColumn:
    header: str
    key: str  # a field of the prospect, or "product" for a product column
    help: str
    product: Product | None = None
    example: str = ""
    company: CompanyColumn | None = None  # a fixed column's declaration


def fixed(column: CompanyColumn, help: str, example: str = "") -> SheetColumn:
    """A fixed column of the sheet, as ``companies.columns`` declares it."""
    return SheetColumn(column.sheet_label, column.field, help, example=example, company=column)


# In the sheet's order, with what "How to fill in" says of each and the template's example row.
FIXED = [
    fixed(
        ID,
        "Leave empty for a new prospect. Filled in by Export: the row then updates that prospect.",
    ),
    fixed(COMPANY_TYPE, "One of the list.", "End customer"),
    fixed(
        NAME,
        "Required. The full legal name, no abbreviations; unique among your companies.",
        "Northwind Traders Limited",
    ),
    fixed(
        DOMAIN,
        "Required. The e-mail domain, like example.com; no other prospect or customer may hold it.",
        "northwind-traders.example",
    ),
    fixed(WEBSITE, "Optional. A web address.", "https://northwind-traders.example"),
    fixed(SECTOR, "Required. One of the list.", "Retail"),
    fixed(
        LEAD, "Required. The e-mail of a user of your MSP with the MSP Implementation Lead option."
    ),
    fixed(SECONDARY_CONTACT, "Optional. As above; not the same person as the lead."),
    fixed(
        PROVISION,
        "Optional. YYYY-MM-DD, or as your spreadsheet writes dates (25/03/2027, 3/25/2027); "
        "not in the past for a new prospect.",
        "2027-03-01",
    ),
    fixed(USERS, "Required. A whole number from 1 to 1,000,000.", "250"),
]
YES = {"yes", "y", "true", "1", "x"}
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
