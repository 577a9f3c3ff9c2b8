"""The prospect spreadsheet as files: the template to fill in, and the prospect list exported.

Both are written in the columns of ``columns.py``, so an exported list can be changed and
uploaded back. The template and the export share one XLSX writer: the same explanation sheet,
the same lists to pick from.

An export streams: rows are read 2,000 at a time (one more query per 2,000 for their products)
and written straight out, so 100,000 prospects cost about what 2,000 do in memory.
"""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from portal.catalog.models import Product
from portal.companies.models import Company, CompanyProduct
from portal.companies.seats import MAX_USERS
from portal.core import sheets
from portal.core.sheets import neutralise

from .columns import FIXED, SheetColumn

CHUNK = 2000
YES = "Yes"
# A spreadsheet program runs a cell that starts with one of these as a formula.
LAST_ROW = 1_048_576  # the last row of a sheet: validations cover every row below the header
EXAMPLE_SEATS = 25
EXAMPLE_FONT = Font(italic=True, color="6B6B6B")
EXAMPLE_NOTE = (
    "Example row: it shows how a row is filled in, and the upload skips it. "
    "Write your own prospects in its place, one per row."
)
NUMBER_KEYS = {"id", "permitted_users"}
# What the export reads, and under which Company field its column finds it.
EXPORT_FIELDS = {column.company.export: column.key for column in FIXED}
# A field of choices is exported as the label, as the template's lists offer it.
LABELS = {
    column.key: dict(choices)
    for column in FIXED
    if (choices := Company._meta.get_field(column.key).choices)
}
Cell = str | int | datetime.date | None


# The template


def example_row(columns: list[SheetColumn], *, lead_email: str = "") -> list[Cell]:
    """One filled-in row: each column's example, the lead given, the first two products."""
    row: list[Cell] = []
    products_shown = 0
    for column in columns:
        value: Cell = column.example or None
        if column.key == "implementation_lead":
            value = lead_email or None
        elif column.key == "product":
            value = None
            if products_shown < 2:
                value = EXAMPLE_SEATS if column.product.needs_own_seats else YES
                products_shown += 1
        elif column.key in NUMBER_KEYS and value:
            value = int(value)
        elif column.key == "expected_provision_date" and value:
            value = datetime.date.fromisoformat(value)
        row.append(value)
    return row


# The export


def export_rows(companies: QuerySet[Company], columns: list[SheetColumn]) -> Iterator[list[Cell]]:
    """The companies as sheet rows, read in chunks: no query per row, whatever the count."""
    products = [column.product for column in columns if column.key == "product"]
    rows = companies.values_list(*EXPORT_FIELDS).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(rows, CHUNK)):
        chunk = [dict(zip(EXPORT_FIELDS.values(), values, strict=True)) for values in chunk]
        chosen = _products_of([row["id"] for row in chunk], products)
        for row in chunk:
            for key, labels in LABELS.items():
                row[key] = labels.get(row[key], row[key])
            has = chosen.get(row["id"], {})
            yield [_cell(column, row, has) for column in columns]


def _products_of(ids: list[int], products: list[Product]) -> dict[int, dict[int, int | None]]:
    """company id → {product id: seats} for the products that have a column."""
    chosen: dict[int, dict[int, int | None]] = defaultdict(dict)
    if not products:
        return chosen
    lines = CompanyProduct.objects.filter(company_id__in=ids, product__in=products).values_list(
        "company_id", "product_id", "seats"
    )
    for company_id, product_id, seats in lines:
        chosen[company_id][product_id] = seats
    return chosen


def _cell(column: SheetColumn, row: dict, has: dict[int, int | None]) -> Cell:
    if column.key != "product":
        value = row[column.key]
        return None if value == "" else neutralise(value)
    if column.product.pk not in has:
        return None
    if column.product.needs_own_seats:
        return has[column.product.pk]
    return YES


# Writers


def csv_lines(columns: list[SheetColumn], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    """UTF-8 with a byte order mark, so that Excel reads it as UTF-8; comma separated."""
    return sheets.csv_lines([column.header for column in columns], rows)


def write_xlsx(
    target: IO[bytes],
    columns: list[SheetColumn],
    rows: Iterable[list[Cell]],
    *,
    example: bool = False,
) -> None:
    """The sheet "Prospects" (the rows), "How to fill in" and the hidden "Lists" to pick from.

    With ``example`` (the template), the rows are its example: grey italics, with a note that
    the upload skips them. Write-only: openpyxl streams the rows to a temporary file instead of
    keeping every cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Prospects")  # first: the upload reads the first sheet
    explained = workbook.create_sheet("How to fill in")
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"

    sheet.freeze_panes = "A2"
    for number, column in enumerate(columns, 1):
        width = max(len(column.header), len(column.example), 12) + 2
        sheet.column_dimensions[get_column_letter(number)].width = min(width, 45)
    for validation in _validations(columns, lists.title):
        sheet.data_validations.append(validation)
    sheet.append(sheets.bold(sheet, [column.header for column in columns]))
    for row in rows:
        sheet.append(
            _as_example(sheet, columns, row)
            if example
            else [sheets.xlsx_value(sheet, value) for value in row]
        )

    explained.freeze_panes = "A2"
    explained.column_dimensions["A"].width = 40
    explained.column_dimensions["B"].width = 100
    explained.append(sheets.bold(explained, ["Column", "What to enter"]))
    for column in columns:
        help_cell = WriteOnlyCell(explained, column.help)
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
        explained.append([column.header, help_cell])

    for type_label, sector_label in itertools.zip_longest(
        Company.CompanyType.labels, Company.Sector.labels
    ):
        lists.append([type_label, sector_label])

    workbook.save(target)


def _as_example(sheet, columns: list[SheetColumn], row: list[Cell]) -> list[WriteOnlyCell]:
    cells = []
    for column, value in zip(columns, row, strict=True):
        cell = WriteOnlyCell(sheet, neutralise(value))
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
        cell.font = EXAMPLE_FONT
        if column.key == "name":
            cell.comment = Comment(EXAMPLE_NOTE, "MSP Partner Portal", width=260, height=90)
        cells.append(cell)
    return cells


def _validations(columns: list[SheetColumn], lists_title: str) -> list[DataValidation]:
    """Lists to pick from and number and date checks, on every row below the header."""
    lists = quote_sheetname(lists_title)
    company_types = f"{lists}!$A$1:$A${len(Company.CompanyType.labels)}"
    sectors = f"{lists}!$B$1:$B${len(Company.Sector.labels)}"
    validations = []
    for number, column in enumerate(columns, 1):
        if column.key == "company_type":
            validation = DataValidation(type="list", formula1=company_types)
        elif column.key == "sector":
            validation = DataValidation(type="list", formula1=sectors)
        elif column.key == "product" and not column.product.needs_own_seats:
            validation = DataValidation(type="list", formula1=f'"{YES}"')
        elif column.key in ("product", "permitted_users"):
            validation = DataValidation(
                type="whole", operator="between", formula1="1", formula2=str(MAX_USERS)
            )
        elif column.key == "expected_provision_date":
            validation = DataValidation(
                type="date",
                operator="between",
                formula1="DATE(2000,1,1)",
                formula2="DATE(2199,12,31)",
            )
        else:
            continue
        validation.allow_blank = True
        validation.showErrorMessage = True
        validation.errorTitle = column.header[:32]
        validation.error = column.help[:255]
        validation.add(f"{get_column_letter(number)}2:{get_column_letter(number)}{LAST_ROW}")
        validations.append(validation)
    return validations
