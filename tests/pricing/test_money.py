from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.pricing import CurrencyMismatch, Money

D = Decimal


def test_accepts_decimal_int_and_str():
    assert Money(D("10.50"), "USD").amount == D("10.50")
    assert Money(10, "USD").amount == D("10")
    assert Money("10.50", "USD").amount == D("10.50")
    assert Money("1", "usd").currency == "USD"


@pytest.mark.parametrize("bad", [1.5, 0.1, float("nan")])
def test_float_is_refused(bad):
    with pytest.raises(TypeError):
        Money(bad, "USD")


def test_float_factor_is_refused():
    with pytest.raises(TypeError):
        Money("1.00", "USD") * 1.5


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_not_a_finite_number_is_refused(bad):
    with pytest.raises(ValueError):
        Money(bad, "USD")


@pytest.mark.parametrize("bad", ["US", "DOLLARS", "", "U$D"])
def test_currency_is_a_three_letter_code(bad):
    with pytest.raises(ValueError):
        Money("1", bad)


def test_zero():
    assert Money.zero("EUR") == Money(D("0.00"), "EUR")


def test_add_and_subtract_same_currency():
    assert Money("1.25", "USD") + Money("2.50", "USD") == Money("3.75", "USD")
    assert Money("1.25", "USD") - Money("2.50", "USD") == Money("-1.25", "USD")
    assert -Money("1.25", "USD") == Money("-1.25", "USD")


def test_adding_two_currencies_raises():
    with pytest.raises(CurrencyMismatch, match="USD.*EUR"):
        Money("1", "USD") + Money("1", "EUR")
    with pytest.raises(CurrencyMismatch):
        Money("1", "USD") - Money("1", "EUR")
    assert issubclass(CurrencyMismatch, ValueError)


def test_comparison_within_one_currency():
    assert Money("1.00", "USD") < Money("1.01", "USD")
    assert Money("2", "USD") >= Money("2.00", "USD")
    assert Money("1.0", "USD") == Money("1.00", "USD")
    assert Money("1", "USD") != Money("1", "EUR")
    with pytest.raises(CurrencyMismatch):
        _ = Money("1", "USD") < Money("2", "EUR")


@pytest.mark.parametrize(
    ("amount", "cents"),
    [
        ("0.005", "0.01"),
        ("2.675", "2.68"),  # 2.67 if it ever went through float
        ("2.665", "2.67"),
        ("0.004", "0.00"),
        ("1.0049", "1.00"),
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("-0.004", "0.00"),
        ("7", "7.00"),
    ],
)
def test_rounding_is_half_up_to_cents(amount, cents):
    rounded = Money(amount, "USD").rounded()
    assert rounded.amount == D(cents)
    assert rounded.amount.as_tuple().exponent == -2
    assert rounded.currency == "USD"


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, max_value=10**9, min_value=0))
def test_rounding_is_symmetric(amount):
    assert Money(-amount, "USD").rounded() == -Money(amount, "USD").rounded()


def test_thread_decimal_context_does_not_change_sums():
    with localcontext() as ctx:
        ctx.prec = 3
        total = Money("1234.56", "USD") + Money("0.01", "USD")
        product = Money("3.4875", "USD") * 682
    assert total.amount == D("1234.57")
    assert product.amount == D("2378.4750")


def test_multiply_by_quantity_is_exact():
    assert (Money("3.4875", "USD") * 682).amount == D("2378.475")
    assert (3 * Money("0.10", "USD")).amount == D("0.30")


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1234.5", "USD 1,234.50"),
        ("-1234.5", "USD -1,234.50"),
        ("0", "USD 0.00"),
        ("-0.001", "USD 0.00"),
        ("1234567.125", "USD 1,234,567.13"),
    ],
)
def test_str(amount, text):
    assert str(Money(amount, "USD")) == text


def test_is_immutable():
    money = Money("1", "USD")
    with pytest.raises(AttributeError):
        money.amount = D("2")
