"""Dates and numbers as a spreadsheet writes them in the user's region (issue 16, item 6): a
cell is read as its region means it, or is a row error; never a different date or number."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.accounts.models import DateOrder, DecimalMark
from portal.prospects.imports import Plan, read_written
from portal.prospects.regional import (
    DATE_ORDER,
    DECIMAL_MARK,
    FileFormat,
    NeedsAnswer,
    Written,
    read_date,
    read_whole_number,
    write_date,
)

ORDERS = [DateOrder.DAY_FIRST, DateOrder.MONTH_FIRST]
MARKS = [DecimalMark.POINT, DecimalMark.COMMA]


def read_file(texts: list[str], *, date_order="", decimal_mark="", header="Expected Date"):
    """The cells, one per row, read as a file is: row 2 onwards, decided all at once."""
    from portal.prospects.imports import PlannedRow

    plan = Plan()
    for number, text in enumerate(texts, start=2):
        reader = read_date if header == "Expected Date" else read_whole_number
        try:
            value = reader(text)
        except ValueError as exc:  # as the Checker does: a row error, the field left out
            plan.error(number, header, str(exc))
            value = None
        row = PlannedRow(number, None, {"expected_provision_date": value}, {})
        plan.rows.append(row)
        if isinstance(value, Written):
            plan.written.append((row, "expected_provision_date", header, value, (1, 10**7)))
            plan.format.note(number, header, value)
    read_written(plan, {DATE_ORDER: date_order, DECIMAL_MARK: decimal_mark})
    return [row.fields.get("expected_provision_date") for row in plan.rows], plan.errors


# Dates


@given(
    date=st.dates(min_value=datetime.date(1000, 1, 1)),
    order=st.sampled_from(ORDERS),
    separator=st.sampled_from(["/", ".", "-"]),
    pad=st.booleans(),
)
def test_any_date_written_the_regional_way_reads_back_as_the_same_date(date, order, separator, pad):
    text = write_date(date, order, separator, pad=pad)

    values, errors = read_file([text], date_order=order)

    assert errors == [] and values == [date]


@given(date=st.dates(min_value=datetime.date(1000, 1, 1)), order=st.sampled_from(ORDERS))
def test_a_date_that_reads_one_way_is_that_date_whatever_the_answer(date, order):
    """25/03/2027 is 25 March even for a user who answered month/day: never another date."""
    text = write_date(date, order)
    for answer in ORDERS:
        values, errors = read_file([text], date_order=answer)
        if date.day > 12 or date.day == date.month:
            assert values == [date] and errors == []
        else:  # 03/04/2027: the answer says which; either way one of its two readings
            day, month = (date.day, date.month) if answer == order else (date.month, date.day)
            assert values == [datetime.date(date.year, month, day)] and errors == []


@given(
    dates=st.lists(
        st.dates(min_value=datetime.date(2000, 1, 1)).filter(lambda d: d.day <= 12),
        min_size=1,
        max_size=20,
    ),
    order=st.sampled_from(ORDERS),
)
def test_a_file_whose_dates_all_read_two_ways_never_imports_without_an_answer(dates, order):
    texts = [write_date(date, order) for date in dates]
    if all(date.day == date.month for date in dates):
        return  # 03/03/2027 is the same date either way: nothing to ask
    with pytest.raises(NeedsAnswer) as asked:
        read_file(texts)
    assert asked.value.asks == [DATE_ORDER]
    assert "day/month or month/day" in str(asked.value)


def test_one_day_after_the_twelfth_settles_the_whole_file_as_day_first():
    values, errors = read_file(["03/04/2027", "25/03/2027", "11/12/2027"])

    assert errors == []
    assert values == [
        datetime.date(2027, 4, 3),
        datetime.date(2027, 3, 25),
        datetime.date(2027, 12, 11),
    ]


def test_the_file_settles_it_even_against_the_remembered_answer():
    values, errors = read_file(["3/25/2027", "03/04/2027"], date_order=DateOrder.DAY_FIRST)

    assert errors == []
    assert values == [datetime.date(2027, 3, 25), datetime.date(2027, 3, 4)]


def test_a_conflicting_date_in_a_settled_file_is_a_row_error_naming_the_cell():
    values, errors = read_file(["25/03/2027", "03/25/2027"])

    assert values == [datetime.date(2027, 3, 25), None]
    assert errors == [
        (
            3,
            "Expected Date",
            "03/25/2027 is not a date written day/month, as this file writes its dates "
            "(row 2, Expected Date: 25/03/2027).",
        )
    ]


def test_a_date_invalid_under_the_answer_is_a_row_error():
    values, errors = read_file(["02/03/2027", "13/25/2027"], date_order=DateOrder.MONTH_FIRST)

    assert values == [datetime.date(2027, 2, 3), None]
    assert errors[0][2] == "13/25/2027 is not a date, day/month or month/day."


def test_iso_and_year_first_dates_always_work_and_need_no_answer():
    values, errors = read_file(["2027-03-25", "2027/04/03"])

    assert errors == [] and values == [datetime.date(2027, 3, 25), datetime.date(2027, 4, 3)]


def test_a_day_equal_to_its_month_needs_no_answer():
    assert read_date("03/03/2027") == datetime.date(2027, 3, 3)


def test_a_spreadsheets_midnight_after_the_date_is_read_as_the_date():
    assert read_date("25/03/2027 00:00").readings == {
        DateOrder.DAY_FIRST: datetime.date(2027, 3, 25)
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/2/27", "leaves the century out"),
        ("31/02/2027", "is not a date"),
        ("tomorrow", "YYYY-MM-DD"),
        ("2027/02/30", "is not a date"),
    ],
)
def test_a_text_that_is_no_date_says_why(text, message):
    with pytest.raises(ValueError, match=message):
        read_date(text)


# Numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1250", 1250),
        ("1 250", 1250),
        ("1\u00a0250", 1250),  # a no-break space, as French spreadsheets write it
        ("1\u202f250", 1250),
        ("1'250", 1250),
        ("1,250,000", 1_250_000),
        ("1.250.000", 1_250_000),
        ("1,250.00", 1250),
        ("1.250,00", 1250),
    ],
)
def test_numbers_written_only_one_way_need_no_answer(text, value):
    values, errors = read_file([text], header="Permitted Users")

    assert errors == [] and values == [value]


@pytest.mark.parametrize(
    ("mark", "values"),
    [(DecimalMark.POINT, [1250, None]), (DecimalMark.COMMA, [None, 1250])],
)
def test_a_thousands_separator_that_reads_two_ways_takes_the_answer(mark, values):
    read, errors = read_file(["1,250", "1.250"], decimal_mark=mark, header="Permitted Users")

    assert read == values
    assert len(errors) == 1 and "not a whole number" in errors[0][2]


def test_a_number_that_reads_two_ways_is_asked_when_nothing_settles_it():
    with pytest.raises(NeedsAnswer) as asked:
        read_file(["1,250", "300"], header="Permitted Users")

    assert asked.value.asks == [DECIMAL_MARK]


def test_the_files_own_numbers_settle_the_decimal_mark():
    values, errors = read_file(["1.250", "2.500.000"], header="Permitted Users")

    assert errors == [] and values == [1250, 2500000]


def test_a_decimal_comma_is_read_as_a_decimal_not_as_thousands():
    """The old reading dropped the comma: "12,5" seats became 125."""
    values, errors = read_file(["12,5"], header="Permitted Users")

    assert values == [None]
    assert errors[0][2] == "12,5 is 12,5 with a decimal comma, not a whole number."


@given(number=st.integers(min_value=1, max_value=10**6), mark=st.sampled_from(MARKS))
def test_any_whole_number_written_the_regional_way_reads_back(number, mark):
    group = "," if mark == DecimalMark.POINT else "."
    text = f"{number:,}".replace(",", group)

    values, errors = read_file([text], decimal_mark=mark, header="Permitted Users")

    assert errors == [] and values == [number]


def test_a_written_number_keeps_both_readings():
    written = read_whole_number("1,250")
    assert written.readings == {
        DecimalMark.POINT: Decimal(1250),
        DecimalMark.COMMA: Decimal("1.250"),
    }
    assert written.ambiguous


def test_file_format_asks_both_questions_at_once():
    found = FileFormat()
    found.note(2, "Expected Date", read_date("03/04/2027"))
    found.note(2, "Permitted Users", read_whole_number("1,250"))
    with pytest.raises(NeedsAnswer) as asked:
        found.decide({})
    assert asked.value.asks == [DATE_ORDER, DECIMAL_MARK]
