"""The billing period a first charge is prorated over: the month between billing dates, or
the year of an annual term; always the one holding today."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from portal.changes.periods import annual_period, billing_period, monthly_period
from portal.pricing import Period

day = datetime.date
dates = st.dates(min_value=day(2020, 1, 1), max_value=day(2040, 12, 31))


def test_the_month_between_billing_dates_holds_today():
    assert monthly_period(day(2026, 12, 1), day(2026, 11, 20)) == Period(
        day(2026, 11, 1), day(2026, 12, 1)
    )
    # On the billing date a new month starts: the whole of it is left.
    assert monthly_period(day(2026, 12, 1), day(2026, 12, 1)) == Period(
        day(2026, 12, 1), day(2027, 1, 1)
    )


def test_a_stale_or_far_billing_date_is_counted_from_and_the_31st_stays_the_31st():
    assert monthly_period(day(2026, 1, 31), day(2026, 3, 5)) == Period(
        day(2026, 2, 28), day(2026, 3, 31)
    )
    assert monthly_period(day(2030, 1, 1), day(2026, 11, 20)) == Period(
        day(2026, 11, 1), day(2026, 12, 1)
    )


def test_without_a_billing_date_billing_starts_on_the_first_of_next_month():
    assert monthly_period(None, day(2026, 11, 20)) == Period(day(2026, 11, 1), day(2026, 12, 1))


def test_the_year_of_an_annual_term_counts_back_from_its_end():
    end = day(2027, 6, 30)
    assert annual_period(end, day(2026, 11, 20)) == Period(day(2026, 6, 30), end)
    # A 3-year term ending 2029-06-30 is billed a year at a time.
    assert annual_period(day(2029, 6, 30), day(2026, 11, 20)) == Period(
        day(2026, 6, 30), day(2027, 6, 30)
    )
    # No term yet: a year from today.
    assert annual_period(None, day(2026, 11, 20)) == Period(day(2026, 11, 20), day(2027, 11, 20))


def test_the_price_term_chooses_the_period():
    today = day(2026, 11, 20)
    dates_on_record = {"next_billing_date": day(2026, 12, 1), "term_end": day(2027, 6, 30)}
    assert billing_period("monthly", today=today, **dates_on_record).end == day(2026, 12, 1)
    assert billing_period("annual", today=today, **dates_on_record).end == day(2027, 6, 30)


@given(st.one_of(st.none(), dates), dates)
def test_a_month_always_holds_today(anchor, today):
    period = monthly_period(anchor, today)
    assert period.start <= today < period.end
    assert 28 <= period.days <= 31


@given(st.one_of(st.none(), dates), dates)
def test_a_year_always_holds_today(end, today):
    period = annual_period(end, today)
    assert period.start <= today < period.end
    assert period.days in (365, 366)
