"""The MSP's selling prices in the pure pricing engine: a price per unit or a markup on the
contracted price, rounded half-up to cents once, and the margin beside the cost."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.pricing import Line, Money
from portal.pricing.selling import SellingRule, sold

cents = st.decimals(min_value=0, max_value=Decimal("9999.99"), places=2)
any_price = st.decimals(min_value=0, max_value=Decimal("9999.9999"), places=4)
markups = st.decimals(min_value=0, max_value=Decimal(1000), places=2)
seats = st.integers(min_value=1, max_value=100_000)


def line(unit: Decimal, quantity: int) -> Line:
    return Line.of("S1", "Gateway", "monthly", "per_seat", quantity, Money(unit, "USD"))


def test_the_seed_customer_at_a_25_percent_markup():
    # Northwind: 682 seats of S1 at 2.95 = 2,011.90 a month; 2.95 + 25% = 3.6875 -> 3.69.
    row = sold(line(Decimal("2.95"), 682), SellingRule("markup", Decimal(25)))

    assert row.sold.unit_price == Money("3.69", "USD")
    assert row.sold.payment == Money("2516.58", "USD")
    assert row.margin == Money("504.68", "USD")
    assert row.margin_percent == Decimal("20.1")


def test_a_price_per_unit_is_the_price_whatever_the_cost():
    row = sold(line(Decimal("2.95"), 682), SellingRule("price", Decimal("4.00")))

    assert row.sold.payment == Money("2728.00", "USD")
    assert row.margin == Money("716.10", "USD")


def test_no_rule_sells_nothing():
    row = sold(line(Decimal("2.95"), 682), None)

    assert row.sold is None and row.margin is None and row.margin_percent is None


@pytest.mark.parametrize(
    ("basis", "amount"),
    [("markup", "-1"), ("price", "-0.01"), ("markup", "1000.01"), ("cost", "1")],
)
def test_a_rule_out_of_range_is_refused(basis, amount):
    with pytest.raises(ValueError):
        SellingRule(basis, Decimal(amount))


@given(cost=cents, quantity=seats)
def test_no_markup_sells_at_the_contracted_price(cost, quantity):
    row = sold(line(cost, quantity), SellingRule("markup", Decimal(0)))

    assert row.sold.payment == row.line.payment
    assert row.margin == Money("0.00", "USD")


@given(cost=any_price, markup=markups, quantity=seats)
def test_the_margin_is_the_selling_payment_less_the_cost_exactly(cost, markup, quantity):
    row = sold(line(cost, quantity), SellingRule("markup", markup))

    assert row.margin + row.line.payment == row.sold.payment
    # One rounding of the unit price: within half a cent of cost x (1 + markup).
    exact = cost * (100 + markup) / 100
    assert abs(row.sold.unit_price.amount - exact) <= Decimal("0.005")


@given(cost=cents, low=markups, high=markups, quantity=seats)
def test_a_higher_markup_never_sells_for_less(cost, low, high, quantity):
    low, high = sorted((low, high))
    cheaper = sold(line(cost, quantity), SellingRule("markup", low))
    dearer = sold(line(cost, quantity), SellingRule("markup", high))

    assert cheaper.sold.payment <= dearer.sold.payment
    assert cheaper.margin.amount >= 0  # a cost in whole cents never loses money on a markup
