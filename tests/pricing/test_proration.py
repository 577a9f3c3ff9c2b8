"""Proration by days: a mid-period purchase or seat increase is charged for the days left of
its billing period, rounded half-up to cents once."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.pricing import Money, Period, price_change, price_order, prorate, prorate_change

from .samples import table, usd

D = Decimal
day = datetime.date

cents = st.decimals(
    min_value=0, max_value=Decimal("999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@st.composite
def periods(draw) -> Period:
    start = draw(st.dates(min_value=day(2000, 1, 1), max_value=day(2090, 12, 31)))
    length = draw(st.sampled_from([28, 29, 30, 31, 365, 366]))
    return Period(start, start + datetime.timedelta(days=length))


@given(cents, periods())
def test_a_full_period_prorates_to_exactly_the_full_price(amount, period):
    assert prorate(Money(amount, "USD"), period, period.start) == Money(amount, "USD")


@given(cents, periods(), st.data())
def test_two_adjoining_parts_add_up_to_the_whole_within_a_cent(amount, period, data):
    # [start, split) and [split, end): each charged as a proration of its own days.
    split = period.start + datetime.timedelta(days=data.draw(st.integers(1, period.days - 1)))
    payment = Money(amount, "USD")
    later = prorate(payment, period, split)
    days_before = (split - period.start).days
    earlier = prorate(payment, period, period.end - datetime.timedelta(days=days_before))
    assert abs((earlier + later - payment).amount) <= D("0.01")


@given(cents, periods(), st.data())
def test_proration_never_makes_the_charge_of_an_increase_negative(amount, period, data):
    today = period.start + datetime.timedelta(days=data.draw(st.integers(0, period.days - 1)))
    charge = prorate(Money(amount, "USD"), period, today)
    assert Money.zero("USD") <= charge <= Money(amount, "USD")


@given(st.integers(0, 2000), st.integers(1, 2000), periods(), st.data())
def test_a_seat_increase_is_never_charged_below_zero(before, more, period, data):
    today = period.start + datetime.timedelta(days=data.draw(st.integers(0, period.days - 1)))
    prior = price_order(table(), {"S1": before} if before else {}).lines
    quote = price_change(table(), prior, {"S1": before + more})
    for line in prorate_change(quote, {"S1": period}, today):
        assert line.charge.amount >= 0
        assert line.increase.amount > 0


def test_eleven_days_left_of_november_is_eleven_thirtieths():
    # 53.10 x 11 / 30 = 19.47
    november = Period(day(2026, 11, 1), day(2026, 12, 1))
    assert prorate(usd("53.10"), november, day(2026, 11, 20)) == usd("19.47")


def test_a_half_cent_rounds_up_once():
    # 0.15 x 1 / 30 = 0.005 exactly: half-up, 0.01. 0.35 x 3 / 28 = 0.0375: 0.04, where
    # rounding the day rate first (0.35 / 28 = 0.0125 → 0.01, x 3) would give 0.03.
    assert prorate(usd("0.15"), Period(day(2026, 11, 1), day(2026, 12, 1)), day(2026, 11, 30)) == (
        usd("0.01")
    )
    february = Period(day(2027, 2, 1), day(2027, 3, 1))
    assert prorate(usd("0.35"), february, day(2027, 2, 26)) == usd("0.04")


def test_an_annual_fee_prorates_by_the_days_of_its_year():
    # 7,000.00 x 212 / 365 = 4,065.753… → 4,065.75
    year = Period(day(2026, 7, 1), day(2027, 7, 1))
    assert year.days == 365
    assert prorate(usd("7000.00"), year, day(2026, 12, 1)) == usd("4065.75")


def test_a_day_outside_the_period_is_refused():
    november = Period(day(2026, 11, 1), day(2026, 12, 1))
    with pytest.raises(ValueError, match="not in the billing period"):
        prorate(usd("10"), november, day(2026, 12, 1))
    with pytest.raises(ValueError, match="ends after it starts"):
        Period(day(2026, 12, 1), day(2026, 12, 1))


def test_682_to_700_seats_charges_the_18_seats_for_the_days_left():
    # Same 500+ tier (3.4875): the monthly fee goes 2,378.48 → 2,441.25, up 62.77; bought on
    # 20 November with the billing date 1 December: 11 of 30 days, 62.77 x 11 / 30 = 23.0156…
    prior = price_order(table(), {"S1": 682, "SUP": 1}).lines
    quote = price_change(table(), prior, {"S1": 700, "SUP": 1})
    november = Period(day(2026, 11, 1), day(2026, 12, 1))
    [line] = prorate_change(quote, {"S1": november, "SUP": november}, day(2026, 11, 20))
    assert (line.code, line.days_left, line.increase, line.charge) == (
        "S1",
        11,
        usd("62.77"),
        usd("23.02"),
    )
    assert quote.new_totals.monthly == usd("2540.25")  # the seed's figure, unchanged


def test_a_cheaper_tier_or_fewer_seats_is_not_credited():
    # 499 → 500 seats of S1: 1,971.05 → 1,743.75, a lower fee: nothing to charge, no credit.
    prior = price_order(table(), {"S1": 499, "C1": 350}).lines
    quote = price_change(table(), prior, {"S1": 500, "C1": 200})
    november = Period(day(2026, 11, 1), day(2026, 12, 1))
    assert prorate_change(quote, {"S1": november, "C1": november}, day(2026, 11, 20)) == ()


def test_an_added_product_is_charged_its_whole_fee_for_the_days_left():
    # A1 (annual, 12.00 a seat) added for 40 seats = 480.00 a year, on 1 December 2026 in the
    # year 1 July 2026 – 1 July 2027: 212 of 365 days, 480 x 212 / 365 = 278.79
    prior = price_order(table(), {"S1": 682}).lines
    quote = price_change(table(), prior, {"S1": 682, "A1": 40})
    year = Period(day(2026, 7, 1), day(2027, 7, 1))
    [line] = prorate_change(quote, {"A1": year}, day(2026, 12, 1))
    assert (line.code, line.days_left, line.increase, line.charge) == (
        "A1",
        212,
        usd("480.00"),
        usd("278.79"),
    )
