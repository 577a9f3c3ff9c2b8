from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.pricing import Charge, Line, Money, Term, price_line

from .samples import table, usd

D = Decimal


def test_per_seat_payment_is_rounded_once_at_the_line():
    # 682 x 3.4875 = 2378.475 -> 2378.48
    line = price_line(table(), "S1", 682)
    assert line.quantity == 682
    assert line.unit_price == usd("3.4875")
    assert line.payment.amount == D("2378.48")
    assert line.term is Term.MONTHLY
    assert line.name == "Email Security Cloud Gateway"


def test_flat_line_has_quantity_one_and_pays_the_unit_price():
    line = price_line(table(), "SUP", 350)
    assert (line.quantity, line.charge) == (1, Charge.FLAT)
    assert line.payment == usd("99.00")


def test_negated_line_pays_exactly_minus():
    line = price_line(table(), "C1", 350)  # 350 x 0.9975 = 349.125 -> 349.13
    gone = line.negated()
    assert gone.quantity == -350
    assert gone.unit_price == line.unit_price
    assert gone.payment.amount == D("-349.13")


def test_flat_line_quantity_must_be_one():
    with pytest.raises(ValueError, match="flat"):
        Line.of("SUP", "Support", Term.MONTHLY, Charge.FLAT, 2, usd("99"))


@given(
    st.integers(min_value=-100_000, max_value=100_000),
    st.decimals(min_value=0, max_value=10_000, places=4, allow_nan=False, allow_infinity=False),
)
def test_payment_is_quantity_times_price_half_up(quantity, price):
    line = Line.of("X", "X", Term.MONTHLY, Charge.PER_SEAT, quantity, Money(price, "USD"))
    expected = (D(quantity) * price).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert line.payment == Money(expected, "USD")
    assert line.negated().payment == -line.payment
    negative = Line.of("X", "X", Term.MONTHLY, Charge.PER_SEAT, -quantity, Money(price, "USD"))
    assert negative.payment == -line.payment
