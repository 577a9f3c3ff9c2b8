"""Reading an uploaded prospect file and checking every row, before anything is saved.

The file is read with the bounds every upload has (``core.uploads``, ``core.xlsx_check``),
under the limits of this one below. Rows are checked with the same rules as the Create Prospect
form (``rules.py``); what the rules compare against is loaded up front, so there is no query per
row.
"""

import datetime
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.accounts.selectors import implementation_leads_for
from portal.catalog.selectors import products_enabled_for
from portal.companies.domains import normalize_domain
from portal.companies.models import Company, Prospect
from portal.companies.seats import MAX_USERS, seats_error
from portal.core import uploads
from portal.core.uploads import NO_NAME, FileRejected, blank, cell_text

from .columns import FIXED, NO, YES, SheetColumn, sheet_columns
from .regional import (
    DATE_ORDER,
    DECIMAL_MARK,
    FileFormat,
    Written,
    read_date,
    read_whole_number,
    whole,
)
from .rules import (
    Known,
    check_domain,
    check_name,
    check_provision_date,
    contacts_error,
    normalize_name,
)

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000  # the longest field, a domain, holds 253
CHECK_TIME_EVERY = 1_000  # rows, blank or not, between looks at the clock
REQUIRED = [column.key for column in FIXED if column.company.required]
HEADER = {column.key: column.header for column in FIXED}  # a row's error names its column
MAX_LISTED_ERRORS = 5_000  # listed on the page and in the download; all are counted
# The template's example row shows how a row is filled in; it is never imported. It is known by
# its name and domain, as the template has them, in a row without an ID (``.example`` is a
# domain no company can hold).
EXAMPLE = {column.key: column.example for column in FIXED if column.key in ("name", "domain")}
EXAMPLE_SKIPPED = "The template's example row (row {row}) was skipped: it is never imported."
ONLY_EXAMPLE = (
    "The file holds only the template's example row (row {row}), which is never imported: "
    "fill in your own prospects, one per row, in its place and upload the file again."
)
EXAMPLE_DOMAIN = (
    "This is the template's example domain: enter the e-mail domain of your own prospect."
)
NO_ROWS = (
    "The file has a header row but no prospects under it: fill in your own prospects, one per "
    "row, and upload the file again."
)

ALREADY_IMPORTED = "This file was uploaded before."


def upload_error(files: list) -> str:
    """Why the upload itself (before its rows are read) is refused; "" if it is not."""
    return uploads.upload_error(files, max_bytes=MAX_BYTES)


class TimeLimitReached(Exception):
    """Checking the file took longer than the import's time budget."""


def cell_problem(value) -> str:
    """Why a cell's text cannot be taken whatever its column; "" if it can."""
    return uploads.cell_problem(value, max_chars=MAX_CELL_CHARS)


@dataclass(slots=True)
class PlannedRow:
    row: int  # as the spreadsheet numbers it: the header is row 1
    pk: int | None
    fields: dict  # only the fields whose cells could be read
    products: dict  # Product → seats (None for a product without its own seat count)
    ok: bool = True  # False once any of its cells has a problem


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    error_count: int = 0
    total: int = 0
    order: dict[str, int] = field(default_factory=dict)  # column header → its place in the file
    example_row: int | None = None  # the template's example row, skipped
    # Cells read once the file's regional format is decided: (row, where, header, Written,
    # bounds); where is a field's key, a Product (its seats) or "id".
    written: list = field(default_factory=list)
    format: FileFormat = field(default_factory=FileFormat)
    last_listed_row: float = math.inf  # a later row's errors cannot be among those listed

    def error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if row > self.last_listed_row:
            return  # after the MAX_LISTED_ERRORS listed already: counted only
        self.errors.append((row, column, message))
        # The rows' problems come in two passes (cells, then rows against each other and the
        # saved ones), so the first ones listed are known only at the end: the list keeps the
        # first MAX_LISTED_ERRORS by row and column, and stays bounded on the way.
        if len(self.errors) >= 2 * MAX_LISTED_ERRORS:
            self.keep_first_errors()

    def keep_first_errors(self) -> None:
        """The errors sorted by row, then column as the file orders them; the first listed."""
        last = len(self.order)
        self.errors.sort(key=lambda e: (e[0], self.order.get(e[1], last), e[1], e[2]))
        if len(self.errors) >= MAX_LISTED_ERRORS:
            del self.errors[MAX_LISTED_ERRORS:]
            self.last_listed_row = self.errors[-1][0]

    @property
    def note(self) -> str:
        """What was left out of the import, said after its outcome."""
        if self.example_row is None:
            return ""
        return f" {EXAMPLE_SKIPPED.format(row=self.example_row)}"


def read_table(filename: str, content: bytes) -> tuple[list, Iterator[list]]:
    """The header row and the data rows of a CSV or XLSX (first sheet) file."""
    return uploads.read_table(filename, content, max_bytes=MAX_BYTES)


def match_columns(header: list, columns: list[SheetColumn]) -> list[SheetColumn | None]:
    """The column of each header cell; every problem of the header is told at once."""
    required = {column.header for column in columns if column.key in REQUIRED}
    return uploads.match_columns(header, columns, required=required)


def _whole_number(value, low: int, high: int) -> int | Written:
    """A whole number from low to high: a sheet's number as it is, a text as its region writes
    it (``regional.py``); one that reads two ways (1,250) is a Written, checked once read."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        try:
            value = read_whole_number(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if isinstance(value, Written):
            return value
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError("Enter a whole number.")
    return _in_range(value, low, high)


def _in_range(value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValidationError(f"Enter a number from {low:,} to {high:,}.")
    return value


def _date(value) -> datetime.date | Written:
    """A sheet's date as it is; a text as ISO, or as its region writes it (a Written)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return read_date(cell_text(value))
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def _choice(choices) -> Callable[[str], str]:
    lookup = {}
    for value, label in choices:
        lookup[str(value).lower()] = value
        lookup[str(label).lower()] = value

    def parse(text: str) -> str:
        try:
            return lookup[text.lower()]
        except KeyError:
            raise ValidationError(
                "Choose one of: " + ", ".join(str(label) for _, label in choices) + "."
            ) from None

    return parse


class Checker:
    """Checks the rows of one file for one partner."""

    def __init__(self, partner):
        self.partner = partner
        self.products = list(products_enabled_for(partner=partner))
        self.columns = sheet_columns(self.products)
        self.leads = {user.email.lower(): user for user in implementation_leads_for(partner)}
        self.company_type = _choice(Company.CompanyType.choices)
        self.sector = _choice(Company.Sector.choices)
        self.website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    def parse(self, number: int, cells: list, columns: list, plan: Plan) -> PlannedRow:
        """Typed values of one row, each cell on its own: a cell's problem goes to ``plan`` and
        leaves its field out, and the next cells are read all the same."""
        values, products, ok = {}, {}, True
        for column, value in zip(columns, cells, strict=False):
            if problem := cell_problem(value):
                plan.error(number, column.header if column else NO_NAME, problem)
                ok = False
                continue
            if column is None:
                if cell_text(value):
                    plan.error(
                        number,
                        NO_NAME,
                        "A cell under a column without a name: remove it or name the column.",
                    )
                    ok = False
                continue
            try:
                if column.key == "product":
                    chosen = self._product(column, value)
                    if chosen is not False:
                        products[column.product] = chosen
                else:
                    values[column.key] = self._field(column.key, value)
            except ValidationError as exc:
                plan.error(number, column.header, " ".join(exc.messages))
                ok = False
        values.setdefault("company_type", Company.CompanyType.END_CUSTOMER)
        pk = values.pop("id", None)
        planned = PlannedRow(number, pk, values, products, ok)
        for where, value in (("id", pk), *values.items(), *products.items()):
            if isinstance(value, Written):
                self._later(plan, planned, where, value)
        return planned

    def _later(self, plan: Plan, row: PlannedRow, where, written: Written) -> None:
        """A cell read once the file's regional format is known (``read_written``)."""
        if where == "id":
            header, bounds = HEADER["id"], (1, 2**63 - 1)
        elif isinstance(where, str):
            header, bounds = HEADER[where], (1, MAX_USERS)
        else:
            header, bounds = f"Product {where.code} Seats", (1, MAX_USERS)
        plan.written.append((row, where, header, written, bounds))
        plan.format.note(row.row, header, written)

    def _field(self, key: str, value):
        text = cell_text(value)
        if key == "id":
            return _whole_number(value, 1, 2**63 - 1) if text else None
        if key in REQUIRED and not text:
            raise ValidationError("Required.")
        match key:
            case "company_type":
                return self.company_type(text) if text else Company.CompanyType.END_CUSTOMER
            case "sector":
                return self.sector(text)
            case "name" | "domain":
                return text
            case "website":
                return self.website.clean(text)
            case "implementation_lead" | "secondary_contact":
                if not text:
                    return None
                try:
                    return self.leads[text.lower()]
                except KeyError:
                    raise ValidationError(
                        f"{text} is not an active user of your MSP with the MSP "
                        "Implementation Lead option."
                    ) from None
            case "expected_provision_date":
                return _date(value) if text else None
            case "permitted_users":
                return _whole_number(value, 1, MAX_USERS)
        raise AssertionError(key)

    def _product(self, column: SheetColumn, value):
        """False: not wanted; None: wanted (no seat count); a number: wanted with seats."""
        text = cell_text(value).lower()
        if column.product.needs_own_seats:
            return _whole_number(value, 1, MAX_USERS) if text else False
        if text in YES:
            return None
        if text in NO:
            return False
        raise ValidationError("Enter Yes, or leave it empty.")


def check_file(
    partner,
    filename: str,
    content: bytes,
    progress: Callable[[int], None] = lambda checked: None,
    deadline: datetime.datetime | None = None,
    *,
    date_order: str = "",
    decimal_mark: str = "",
) -> Plan:
    """Every row read and checked; ``plan.errors`` empty means the file can be imported.

    ``date_order`` and ``decimal_mark``: the uploader's regional format, for the cells that
    read two ways when the file does not settle it ("": not said; NeedsAnswer if needed).
    Raises TimeLimitReached once the clock passes ``deadline``.
    """
    checker = Checker(partner)
    header, rows = read_table(filename, content)
    columns = match_columns(header, checker.columns)
    plan = Plan()
    for place, column in enumerate(columns):
        plan.order.setdefault(column.header if column else NO_NAME, place)
    is_example = _example_finder(columns)
    for number, cells in enumerate(rows, start=2):
        if number % CHECK_TIME_EVERY == 0 and deadline and timezone.now() >= deadline:
            raise TimeLimitReached(number)
        if blank(cells):
            continue  # blank lines, as spreadsheets leave them
        if plan.example_row is None and is_example(cells):
            plan.example_row = number
            continue
        plan.total += 1
        if plan.total > MAX_ROWS:
            raise FileRejected(f"The file has more than {MAX_ROWS:,} rows: split it.")
        plan.rows.append(checker.parse(number, cells, columns, plan))
        if plan.total % 5000 == 0:
            progress(plan.total)
    if not plan.total:
        if plan.example_row is not None:
            raise FileRejected(ONLY_EXAMPLE.format(row=plan.example_row))
        raise FileRejected(NO_ROWS)
    read_written(plan, {DATE_ORDER: date_order, DECIMAL_MARK: decimal_mark})
    _check_against_each_other_and_saved(partner, plan)
    progress(plan.total)
    return plan


def read_written(plan: Plan, answers: dict[str, str]) -> None:
    """The cells that waited for the file's regional format, read under it, decided from all
    the rows at once (``FileFormat.decide``; raises NeedsAnswer when nothing settles it). A
    cell the format cannot read is an error of its row, and its field is left out."""
    if not plan.written:
        return
    decided = plan.format.decide(answers)
    for row, where, header, written, bounds in plan.written:
        try:
            value = FileFormat.read(written, decided)
            if written.question == DECIMAL_MARK:
                value = _in_range(whole(value, written.text, decided[DECIMAL_MARK][0]), *bounds)
        except (ValueError, ValidationError) as exc:
            row.ok = False
            message = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            plan.error(row.row, header, " ".join(message))
            value = None
            if where != "id":
                (row.fields if isinstance(where, str) else row.products).pop(where, None)
                continue
        if where == "id":
            row.pk = value
        elif isinstance(where, str):
            row.fields[where] = value
        else:
            row.products[where] = value
    plan.written = []


def _example_finder(columns: list) -> Callable[[list], bool]:
    """Whether a row is the template's example: no ID, and the example's name and domain."""
    where = {column.key: place for place, column in enumerate(columns) if column}

    def cell(cells: list, key: str) -> str:
        place = where.get(key)
        return cell_text(cells[place]) if place is not None and place < len(cells) else ""

    def is_example(cells: list) -> bool:
        domain = cell(cells, "domain")
        return (
            EXAMPLE["domain"] in domain.lower()  # a quick look first: one row of a file has it
            and normalize_domain(domain) == EXAMPLE["domain"]
            and normalize_name(cell(cells, "name")).lower() == EXAMPLE["name"].lower()
            and not cell(cells, "id")
        )

    return is_example


def _check_against_each_other_and_saved(partner, plan: Plan) -> None:
    """Every row, those with problems in their cells too, against the others and the saved
    prospects: each field that could be read is checked, so that no problem waits for the
    next upload."""
    ids = [row.pk for row in plan.rows if row.pk]
    existing = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        existing.update(Prospect.objects.filter(partner=partner, pk__in=chunk).in_bulk())
    known = Known.load(
        partner.pk,
        names=[row.fields["name"] for row in plan.rows if "name" in row.fields],
        domains=[
            normalize_domain(row.fields["domain"]) for row in plan.rows if "domain" in row.fields
        ],
    )
    first_name, first_domain, first_id = {}, {}, {}
    today = timezone.localdate()
    for row in plan.rows:

        def error(column: str, message: str, row=row) -> None:
            row.ok = False
            plan.error(row.row, column, message)

        if row.pk and row.pk not in existing:
            error(HEADER["id"], f"No prospect of yours has the ID {row.pk}.")
        elif row.pk in first_id:
            error(HEADER["id"], f"The same ID as row {first_id[row.pk]}.")
        elif row.pk:
            first_id[row.pk] = row.row
        for key, check in (("name", check_name), ("domain", check_domain)):
            if key not in row.fields:
                continue  # its cell has a problem of its own, told already
            header = HEADER[key]
            try:
                row.fields[key] = check(row.fields[key], known, pk=row.pk)
            except ValidationError as exc:
                error(header, " ".join(exc.messages))
                continue
            if key == "domain" and not row.pk and row.fields[key] == EXAMPLE["domain"]:
                error(header, EXAMPLE_DOMAIN)
                continue
            seen = first_name if key == "name" else first_domain
            value = row.fields[key].lower()
            if value in seen:
                error(header, f"The same {header.lower()} as row {seen[value]}.")
            else:
                seen[value] = row.row
        try:
            check_provision_date(
                row.fields.get("expected_provision_date"), creating=not row.pk, today=today
            )
        except ValidationError as exc:
            error(HEADER["expected_provision_date"], " ".join(exc.messages))
        if message := contacts_error(
            row.fields.get("implementation_lead"), row.fields.get("secondary_contact")
        ):
            error(HEADER["secondary_contact"], message)
        users = row.fields.get("permitted_users")  # None when its cell has a problem
        for product, seats in row.products.items():
            if product.needs_own_seats and (message := seats_error(product.name, seats, users)):
                error(f"Product {product.code} Seats", message)
    plan.rows = [row for row in plan.rows if row.ok]
    plan.keep_first_errors()
