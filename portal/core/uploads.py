"""An uploaded spreadsheet read as rows, with bounds: a CSV file or the first sheet of an XLSX
file, taken as hostile whatever it claims of itself.

Each upload names its own limits (bytes, and what an XLSX file may unpack to); what holds for
every upload is here:
- a CSV file is UTF-8 (with or without a byte order mark), or Windows-1252 as Excel on Windows
  saves it, separated by commas or semicolons; it is decoded as it is read, and a byte the
  encoding cannot decode becomes a row error of its cell (``cell_problem``), not a refusal of
  the whole file;
- an XLSX file is judged from its zip directory and its XML counted before it is opened
  (``xlsx_check``); its rows are read only as wide as its header, up to Excel's last row,
  whatever its ``<dimension>`` claims;
- a cell with a NUL byte, another control character (tab and line breaks aside) or more than
  the upload's characters is a problem of that cell, told with its row and column.

The prospect upload (``prospects.imports``) and the upload of billed seats
(``customers.billed_upload``) read their files through these.
"""

import csv
import io
import re
from collections.abc import Iterator, Sequence

from .sheets import FORMULA_STARTS
from .xlsx_check import UNREADABLE, ArchiveRefused, check_elements, unpacked_size

MB = 1024 * 1024
EXTENSIONS = (".csv", ".xlsx", ".xlsm")
WRONG_TYPE = "Upload a .csv or .xlsx file (an .xls file: save it as .xlsx first)."
EMPTY = "The file is empty: the first row must hold the column names."
LAST_SHEET_ROW = 1_048_576  # Excel's last row: a row numbered beyond it is not read
MAX_SHEET_COLUMNS = 500  # of the header row; rows are then read only as wide as the header
NO_NAME = "(no column name)"
# Tab, line feed and carriage return may stand in a cell (a cell of several lines); no other
# control character, and no byte the file's encoding cannot decode (read as a lone surrogate).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\udc80-\udcff]")
# Two or more bytes that UTF-8 reads as one character: Windows-1252 text hardly ever has them.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class FileRejected(Exception):
    """The file as a whole cannot be read: wrong type, size, encoding or columns."""


def too_large(max_bytes: int) -> str:
    return f"The file is larger than {max_bytes // MB} MB."


def upload_error(files: list, *, max_bytes: int) -> str:
    """Why the upload itself (before its rows are read) is refused; "" if it is not."""
    if len(files) != 1:
        return "Choose one file to upload." if not files else "Upload one file at a time."
    if files[0].size > max_bytes:
        return too_large(max_bytes)
    if not files[0].name.lower().endswith(EXTENSIONS):
        return WRONG_TYPE
    return ""


def plain(text: str, length: int = 80) -> str:
    """Text from a file, safe to quote in a message: shortened, control characters shown as ?."""
    text = CONTROL.sub("?", text)
    return text if len(text) <= length else text[: length - 1] + "…"


def cell_problem(value, *, max_chars: int) -> str:
    """Why a cell's text cannot be taken whatever its column; "" if it can."""
    if not isinstance(value, str):
        return ""
    if len(value) > max_chars:
        return f"This cell holds {len(value):,} characters; at most {max_chars:,} are read."
    found = CONTROL.search(value)
    if not found:
        return ""
    char = found.group()
    if char == "\x00":
        return "This cell holds a NUL character (a zero byte): remove it."
    if char >= "\udc80":
        return (
            f"This cell holds a byte that is not text (0x{ord(char) - 0xDC00:02X}): save the "
            "file as “CSV UTF-8” and upload it again."
        )
    return f"This cell holds a control character (U+{ord(char):04X}): remove it."


def cell_text(value) -> str:
    """A cell as text, trimmed: a sheet's whole number without ".0"; the quote an export puts
    before text that a spreadsheet would take for a formula (``sheets.neutralise``) taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def blank(cells: Sequence) -> bool:
    if cells.count(None) == len(cells):  # fast, for the runs of missing rows in a sheet
        return True
    return not any(cell_text(cell) for cell in cells)


def header_key(header: object) -> str:
    """Headers match without regard to case, spaces and punctuation: "E-mail" = "email"."""
    return re.sub(r"[^a-z0-9]", "", str(header or "").lower())


def match_columns(header: list, columns: Sequence, *, required: set[str]) -> list:
    """The column (any object with a ``header``) of each header cell, None for an unnamed one;
    every problem of the header is told at once (FileRejected). ``required``: the headers a file
    must have."""
    by_key = {header_key(column.header): column for column in columns}
    matched, unknown, twice, seen = [], [], [], set()
    for cell in header:
        key = header_key(cell)
        if not key:
            matched.append(None)  # an unnamed column: its cells must be empty (checked per row)
            continue
        column = by_key.get(key)
        if column is None:
            unknown.append(plain(str(cell).strip(), 40))
        elif column.header in seen:
            if column.header not in twice:
                twice.append(column.header)
        else:
            seen.add(column.header)
        matched.append(column)
    problems = [f"The column “{name}” appears twice." for name in twice]
    if unknown:
        problems.append(
            "Unknown columns: "
            + ", ".join(f"“{name}”" for name in unknown[:10])
            + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
            + ". Use the template's column names (download it above)."
        )
    missing = [c.header for c in columns if c.header in required and c.header not in seen]
    if missing:
        problems.append("Missing columns: " + ", ".join(f"“{name}”" for name in missing) + ".")
    if problems:
        raise FileRejected(" ".join(problems))
    return matched


def read_table(
    filename: str, content: bytes, *, max_bytes: int, max_unpacked: int | None = None
) -> tuple[list, Iterator[list]]:
    """The header row and the data rows of a CSV or XLSX (first sheet) file; ``max_unpacked``:
    what an XLSX file may unpack to (by default ``xlsx_check.MAX_UNPACKED_BYTES``)."""
    if len(content) > max_bytes:
        raise FileRejected(too_large(max_bytes))
    name = filename.lower()
    if name.endswith(".csv"):
        rows = _csv_rows(content, max_bytes)
    elif name.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content, max_unpacked)
    else:
        raise FileRejected(WRONG_TYPE)
    header = next(rows, None)
    if not header or not any(str(cell or "").strip() for cell in header):
        raise FileRejected(EMPTY)
    return list(header), rows


def _csv_rows(content: bytes, max_bytes: int) -> Iterator[list]:
    # The file is at most max_bytes, so no field can be longer: csv's own limit would stop the
    # whole file without saying where; each cell is measured against the upload's limit of
    # characters instead, with its row and column. (The limit is the csv module's, for the
    # process: only raised, never lowered.)
    if csv.field_size_limit() < max_bytes:
        csv.field_size_limit(max_bytes)
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected("This file is UTF-16 text: save it as “CSV UTF-8” or as .xlsx.")
    encoding = "utf-8-sig"
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in Windows-1252; a UTF-8 file with a bad byte stays
        # UTF-8, so that the bad byte is told rather than every accent turned into two letters.
        if not UTF8_SEQUENCE.search(content):
            encoding = "cp1252"
    first_line = content[:4096].split(b"\n", 1)[0]
    delimiter = ";" if first_line.count(b";") > first_line.count(b",") else ","
    # Decoded as it is read: a whole decoded copy of a 20 MB file would take 80 MB. A byte the
    # encoding cannot decode becomes a lone surrogate, told as a row error by cell_problem.
    text = io.TextIOWrapper(
        io.BytesIO(content), encoding=encoding, errors="surrogateescape", newline=""
    )
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise FileRejected(
            f"Line {reader.line_num} cannot be read as CSV ({exc}); nothing after it was checked."
        ) from exc


def _xlsx_rows(content: bytes, max_unpacked: int | None) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        # The zip directory first: nothing is unpacked before it passes.
        unpacked_size(content, most=max_unpacked)
        check_elements(content)
    except ArchiveRefused as exc:
        raise FileRejected(str(exc)) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged or hostile file can make the reader raise anything
        raise FileRejected(UNREADABLE) from exc
    if not workbook.worksheets:
        raise FileRejected("The workbook has no sheet.")
    return _sheet_rows(workbook.worksheets[0])


def _sheet_rows(sheet) -> Iterator:
    """The header, then the rows only as wide as the header, up to Excel's last row.

    The declared ``<dimension>`` is only the file's claim: a 5 KB file may claim 16,384 columns
    by a million rows. The rows are read as they come; a run of missing rows comes back as one
    shared empty tuple, which the caller skips at little cost.
    """
    sheet.reset_dimensions()
    try:
        header = list(
            next(sheet.iter_rows(max_row=1, max_col=MAX_SHEET_COLUMNS, values_only=True), ())
        )
        while header and not cell_text(header[-1]):
            header.pop()
        yield header
        if header:
            yield from sheet.iter_rows(
                min_row=2, max_row=LAST_SHEET_ROW, max_col=len(header), values_only=True
            )
    except Exception as exc:  # a damaged or hostile sheet can make the reader raise anything
        raise FileRejected(f"{UNREADABLE} Its first sheet is damaged.") from exc
