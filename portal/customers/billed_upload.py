"""Upload Billed Seats: a CSV or XLSX file of what the MSP's PSA bills, one row per customer and
product. Every row is checked before anything is recorded; a file with any bad row records
nothing and answers every problem (row, column, why). Otherwise all rows are recorded in one
transaction (``usage.billing.billed_seats_set``): those whose seats differ from the latest, each
in the customer's History Log.

The file is read with the bounds of every upload (``core.uploads``) under the smaller limits of
this one, as it is read while the web request waits: ``MAX_BYTES``, ``MAX_ROWS``, and an XLSX
file unpacking to at most ``MAX_UNPACKED_BYTES``.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from portal.companies.seats import MAX_USERS
from portal.core import uploads
from portal.core.uploads import NO_NAME, FileRejected, blank, cell_text
from portal.usage.billed_rows import BilledCheck, Refused
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import BilledSeats

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 32 * 1024 * 1024  # 20,000 rows of three cells unpack to about 3 MB
MAX_CELL_CHARS = 300  # a name holds at most 200 characters, a domain 253
MAX_LISTED_ERRORS = 100  # on the page; every problem is counted


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    help: str


COLUMNS = [
    Column(
        "Company Name or Domain",
        "customer",
        "One of your customers of Customers | Complete: its domain (like example.com) or its "
        "company name as the portal has it, without regard to capitals.",
    ),
    Column("Product", "product", "The code of a per-seat product you sell, like S1."),
    Column(
        "Billed Seats",
        "seats",
        f"The seats your PSA bills: a whole number from 0 to {MAX_USERS:,}.",
    ),
]
HEADERS = [column.header for column in COLUMNS]
NO_ROWS = (
    "The file has a header row but no rows under it: write one customer and product per row, "
    "and upload it again."
)


@dataclass
class Checked:
    """The rows of a file, checked: ``entries`` to record when ``error_count`` is 0."""

    entries: list[Billed] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # the first ones listed
    error_count: int = 0
    total: int = 0

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append((row, column, message))


@dataclass(frozen=True)
class Recorded:
    changed: int
    unchanged: int


class RowsRefused(Exception):
    """Some row has a problem: nothing was recorded."""

    def __init__(self, checked: Checked):
        self.checked = checked
        count = checked.error_count
        super().__init__(
            f"{count:,} problem{'s' if count != 1 else ''} found in the file; nothing was recorded."
        )


def billed_upload(*, actor, filename: str, content: bytes) -> Recorded:
    """Check the file's every row, then record them all (``source`` uploaded) or none.

    Raises FileRejected for a file that cannot be read as a whole, RowsRefused when a row has a
    problem."""
    checked = billed_file_check(actor.partner, filename, content)
    if checked.error_count:
        raise RowsRefused(checked)
    changed = billed_seats_set(checked.entries, actor=actor, source=BilledSeats.Source.UPLOADED)
    return Recorded(changed=changed, unchanged=checked.total - changed)


def billed_file_check(partner, filename: str, content: bytes) -> Checked:
    """Every row of the file read and checked against the MSP's customers and products."""
    header, rows = uploads.read_table(
        filename, content, max_bytes=MAX_BYTES, max_unpacked=MAX_UNPACKED_BYTES
    )
    columns = uploads.match_columns(header, COLUMNS, required=set(HEADERS))
    place = {column.key: index for index, column in enumerate(columns) if column}
    given = list(_rows(rows, columns))
    checked = Checked(total=len(given))
    if not given:
        raise FileRejected(NO_ROWS)
    check = BilledCheck(
        partner, references=[cell_text(cells[place["customer"]]) for _, cells, _ in given]
    )
    for number, cells, problems in given:
        for column, message in problems:
            checked.error(number, column, message)
        entry = _row(check, number, cells, place, checked, bad={c for c, _ in problems})
        if entry is not None and not problems:
            checked.entries.append(entry)
    return checked


def _rows(rows: Iterator[list], columns: list) -> Iterator[tuple[int, list, list]]:
    """(row number, cells as wide as the header, problems of its cells) of each row that is
    not blank; FileRejected past ``MAX_ROWS``."""
    count = 0
    width = len(columns)
    for number, cells in enumerate(rows, start=2):
        if blank(cells):
            continue  # blank lines, as spreadsheets leave them
        count += 1
        if count > MAX_ROWS:
            raise FileRejected(f"The file has more than {MAX_ROWS:,} rows: split it.")
        cells = list(cells[:width]) + [None] * (width - len(cells))
        problems = []
        for column, value in zip(columns, cells, strict=True):
            header = column.header if column else NO_NAME
            if problem := uploads.cell_problem(value, max_chars=MAX_CELL_CHARS):
                problems.append((header, problem))
            elif column is None and cell_text(value):
                problems.append(
                    (header, "A cell under a column without a name: remove it or name the column.")
                )
        yield number, cells, problems


def _row(check: BilledCheck, number: int, cells: list, place: dict, checked: Checked, *, bad):
    """One row's customer, product and seats, each told on its own; its entry if all are good."""
    parts = {}
    for column in COLUMNS:
        if column.header in bad:
            continue  # its cell's problem is told already
        value = cells[place[column.key]]
        try:
            if column.key == "customer":
                parts[column.key] = check.customer(cell_text(value))
            elif column.key == "product":
                parts[column.key] = check.product(cell_text(value))
            else:
                parts[column.key] = check.seats(value)
        except Refused as exc:
            checked.error(number, column.header, str(exc))
    if len(parts) < len(COLUMNS):
        return None
    try:
        check.once(parts["customer"], parts["product"], f"row {number}")
    except Refused as exc:
        checked.error(number, COLUMNS[1].header, str(exc))
        return None
    return Billed(parts["customer"], parts["product"], parts["seats"])
