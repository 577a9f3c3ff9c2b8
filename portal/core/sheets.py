"""Lists written as spreadsheets, CSV or XLSX, streamed row by row and safe to open.

A cell that a spreadsheet program would run as a formula is written as text, with a quote in
front (CSV injection); the prospect upload takes that quote off again. CSV is UTF-8 with a byte
order mark, so that Excel reads it as UTF-8. The prospect spreadsheet (template, export) and the
customer lists' export write through these.
"""

import csv
import datetime
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# A spreadsheet program runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
Cell = str | int | Decimal | datetime.date | datetime.datetime | None


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula, made plain text with a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file that hands back what is written to it, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headers: list[str], rows: Iterable[list[Cell]]) -> Iterator[bytes]:
    """The header line, then the rows, 500 lines at a time rather than one write per line."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(headers)).encode()
    rows = iter(rows)
    while batch := list(itertools.islice(rows, 500)):
        yield "".join(
            writer.writerow([csv_value(value) for value in row]) for row in batch
        ).encode()


def csv_value(value: Cell) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return neutralise(value)


def xlsx_value(sheet, value: Cell):
    """A cell of a write-only sheet: dates as dates, amounts with cents, text neutralised
    (openpyxl stores a string that starts with "=" as a formula)."""
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value.replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "#,##0.00"
        return cell
    return neutralise(value)


def bold(sheet, values: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def write_table(target: IO[bytes], title: str, headers: list[str], rows: Iterable[list[Cell]]):
    """One sheet named ``title``: a bold header row kept in view, then the rows. Write-only:
    openpyxl streams the rows to a temporary file instead of keeping every cell."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for number, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(number)].width = min(max(len(header), 12) + 2, 45)
    sheet.append(bold(sheet, headers))
    for row in rows:
        sheet.append([xlsx_value(sheet, value) for value in row])
    workbook.save(target)
