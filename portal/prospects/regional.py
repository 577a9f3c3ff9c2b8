"""Dates and numbers as a spreadsheet writes them in its user's regional format.

A template filled in and saved as CSV holds dates and numbers as the spreadsheet shows them:
3/25/2027 or 25/03/2027, 1,250 or 1.250 or 1 250. A cell that can be read only one way is read
that way; one that can be read two ways (03/04/2027, 1,250) waits for the file's format, which
its unambiguous cells settle (a 25/03/2027 anywhere: day first) and otherwise the uploader says.
A cell is never read as a different date or number than the one it shows under that format: a
cell the format cannot read is a row error.

Plain text in, values or ``Written`` out; the file's decision and its row errors are
``imports.py``'s.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from portal.accounts.models import DateOrder, DecimalMark

DATE_ORDER = "date_order"  # the two questions, as ``ProspectImport.asks`` names them
DECIMAL_MARK = "decimal_mark"
QUESTIONS = {
    DATE_ORDER: "Dates like 03/04/2027 are",
    DECIMAL_MARK: "Numbers like 1,250 or 1.250 are written with",
}
ORDER_WORDS = {DateOrder.DAY_FIRST: "day/month", DateOrder.MONTH_FIRST: "month/day"}
MARK_WORDS = {DecimalMark.POINT: "a decimal point", DecimalMark.COMMA: "a decimal comma"}

# 25/03/2027, 3.25.2027, 25-03-2027; a spreadsheet may add the time of a date, midnight.
DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?:[ T]0?0:00(?::00)?)?")
YEAR_MONTH_DAY = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?:[ T]0?0:00(?::00)?)?")
SHORT_YEAR = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}")
# Thousands that no decimal mark can be taken for: 1 250, 1 250 000 (spaces of any width), 1'250.
SPACED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f'\u2019]\d{3})+")
# A number with ``group`` between thousands and ``mark`` before decimals (both escaped).
NUMBER = {
    mark: re.compile(rf"(?:\d{{1,3}}(?:{re.escape(group)}\d{{3}})+|\d+)(?:{re.escape(mark)}\d+)?")
    for mark, group in ((DecimalMark.POINT, ","), (DecimalMark.COMMA, "."))
}

NOT_A_DATE = "Enter the date as YYYY-MM-DD (or as your spreadsheet writes it: 25/03/2027)."
SHORT_YEAR_MESSAGE = (
    "{text} leaves the century out: write the year with four digits, or the date as YYYY-MM-DD."
)
NOT_A_NUMBER = "Enter a whole number."


@dataclass(frozen=True, slots=True)
class Written:
    """A cell whose value depends on the file's format: its reading under each format that
    can read it (one: the cell settles the format; two different ones: it needs the format)."""

    question: str  # DATE_ORDER or DECIMAL_MARK
    text: str
    readings: dict  # DateOrder or DecimalMark → date or Decimal

    @property
    def ambiguous(self) -> bool:
        return len(set(self.readings.values())) > 1


def _day(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def read_date(text: str) -> datetime.date | Written:
    """A date cell's text: ISO (2027-03-25) or year first is a date; day and month in either
    order is a ``Written`` (one that reads the same both ways, 03/03/2027, is a date). Raises
    ValueError with the message for the row."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    if found := YEAR_MONTH_DAY.fullmatch(text):
        year, _, month, day = found.groups()
        if date := _day(int(year), int(month), int(day)):
            return date
        raise ValueError(f"{text} is not a date (year, month, day).")
    found = DAY_MONTH_YEAR.fullmatch(text)
    if not found:
        if SHORT_YEAR.fullmatch(text):
            raise ValueError(SHORT_YEAR_MESSAGE.format(text=text))
        raise ValueError(NOT_A_DATE)
    first, _, second, year = found.groups()
    readings = {}
    for order, (day, month) in (
        (DateOrder.DAY_FIRST, (first, second)),
        (DateOrder.MONTH_FIRST, (second, first)),
    ):
        if date := _day(int(year), int(month), int(day)):
            readings[order] = date
    if not readings:
        raise ValueError(f"{text} is not a date, day/month or month/day.")
    if len(readings) == 2 and not Written(DATE_ORDER, text, readings).ambiguous:
        return readings[DateOrder.DAY_FIRST]  # 03/03/2027: the same date either way
    return Written(DATE_ORDER, text, readings)


def read_whole_number(text: str) -> int | Written:
    """A whole-number cell's text: digits, or digits in groups of three (1 250, 1,250,000,
    1.250.000); a single group after a comma or a point (1,250, 1.250) is a ``Written``, as is a
    number with decimals (its mark says the format). Raises ValueError with the row's message."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    if SPACED.fullmatch(text):
        return int(re.sub(r"\D", "", text))
    readings = {}
    for mark, pattern in NUMBER.items():
        if pattern.fullmatch(text):
            group = "," if mark == DecimalMark.POINT else "."
            readings[mark] = Decimal(text.replace(group, "").replace(mark, "."))
    if not readings:
        raise ValueError(NOT_A_NUMBER)
    return Written(DECIMAL_MARK, text, readings)


def whole(value: Decimal, text: str, mark: str) -> int:
    """The whole number a cell holds under the file's decimal mark, or ValueError."""
    if value != value.to_integral_value():
        raise ValueError(
            f"{text} is {format(value, 'f').replace('.', mark)} with {MARK_WORDS[mark]}, "
            "not a whole number."
        )
    return int(value)


def format_words(question: str, choice: str) -> str:
    return (ORDER_WORDS if question == DATE_ORDER else MARK_WORDS)[choice]


def write_date(date: datetime.date, order: str, separator: str = "/", *, pad: bool = True) -> str:
    """A date as a spreadsheet of that regional format writes it (the tests' other half)."""
    day, month = (f"{date.day:02}", f"{date.month:02}") if pad else (date.day, date.month)
    first, second = (day, month) if order == DateOrder.DAY_FIRST else (month, day)
    return f"{first}{separator}{second}{separator}{date.year:04}"


class NeedsAnswer(Exception):
    """The file can be read two ways and neither its cells nor the uploader say which."""

    def __init__(self, message: str, asks: list[str]):
        super().__init__(message)
        self.asks = asks


ASK = {
    DATE_ORDER: "Dates like {text} (row {row}, {header}) can be read day/month or month/day, "
    "and no date in the file settles it",
    DECIMAL_MARK: "Numbers like {text} (row {row}, {header}) can be read with a decimal point "
    "or a decimal comma, and no number in the file settles it",
}
ASK_END = ": say which on the upload page (the file is kept for your answer). Nothing was imported."
UNREADABLE_UNDER = {
    DATE_ORDER: "{text} is not a date written {words}, as this file writes its dates{because}.",
    DECIMAL_MARK: "{text} is not a number written with {words}, as this file writes its "
    "numbers{because}.",
}


@dataclass
class FileFormat:
    """What a file's cells say of its regional format, gathered as its rows are read, and the
    format decided from all of them at once."""

    # (question, choice) → (row, header, text) of the first cell that reads only that way.
    settled_by: dict = None
    # question → (row, header, text) of the first cell that reads two ways.
    unsettled: dict = None

    def __post_init__(self):
        self.settled_by, self.unsettled = {}, {}

    def note(self, row: int, header: str, written: Written) -> None:
        where = (row, header, written.text)
        if written.ambiguous:
            self.unsettled.setdefault(written.question, where)
        else:
            for choice in written.readings:
                self.settled_by.setdefault((written.question, choice), where)

    def decide(self, answers: dict[str, str]) -> dict[str, tuple[str, str]]:
        """question → (choice, why: the words a cell's error ends with). The file's own cells
        settle a question; when they disagree, the uploader's answer does, or else the first
        of them; when none does, the answer. Raises NeedsAnswer when a cell reads two ways and
        nothing settles it."""
        decided, asks, messages = {}, [], []
        for question in QUESTIONS:
            seen = sorted(
                (where, choice) for (q, choice), where in self.settled_by.items() if q == question
            )
            answer = answers.get(question) or ""
            if len(seen) == 1 or (seen and not answer):
                (row, header, text), choice = seen[0]
                decided[question] = (choice, f" (row {row}, {header}: {text})")
            elif answer:
                decided[question] = (answer, " (as you said on the upload page)")
            elif question in self.unsettled:
                row, header, text = self.unsettled[question]
                asks.append(question)
                messages.append(ASK[question].format(row=row, header=header, text=text))
        if asks:
            raise NeedsAnswer("; ".join(messages) + ASK_END, asks)
        return decided

    @staticmethod
    def read(written: Written, decided: dict[str, tuple[str, str]]):
        """The cell's value under the file's format, or ValueError with the row's message."""
        choice, because = decided[written.question]
        if choice in written.readings:
            return written.readings[choice]
        raise ValueError(
            UNREADABLE_UNDER[written.question].format(
                text=written.text, words=format_words(written.question, choice), because=because
            )
        )
