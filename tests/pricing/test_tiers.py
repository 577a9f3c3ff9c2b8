from decimal import Decimal

import pytest

from portal.pricing import Charge, NoPrice, PricedProduct, PriceTable, Term, Tier, price_line

from .samples import table, usd

D = Decimal


@pytest.mark.parametrize(
    ("quantity", "unit"),
    [
        (1, "4.50"),
        (99, "4.50"),  # one below a tier
        (100, "3.95"),  # exactly at a tier
        (101, "3.95"),  # one above
        (499, "3.95"),
        (500, "3.4875"),
        (501, "3.4875"),
        (999, "3.4875"),
        (1000, "3.10"),
        (250_000, "3.10"),
    ],
)
def test_whole_quantity_is_charged_at_its_tier(quantity, unit):
    assert table().unit_price("S1", quantity) == usd(unit)


def test_all_units_not_graduated():
    # 100 seats are 100 x 3.95, not 99 x 4.50 + 1 x 3.95.
    assert price_line(table(), "S1", 100).payment == usd("395.00")


def test_tiers_are_sorted_whatever_the_given_order():
    product = PricedProduct(
        "X", "X", Charge.PER_SEAT, Term.MONTHLY, (Tier(50, D("1")), Tier(1, D("2")))
    )
    prices = PriceTable.of("USD", [product])
    assert prices.unit_price("X", 49) == usd("2")
    assert prices.unit_price("X", 50) == usd("1")


def test_below_the_first_tier_has_no_price():
    prices = table()
    assert prices.unit_price("S2", 10) == usd("6")
    with pytest.raises(NoPrice, match=r"'S2'.*quantity 9"):
        prices.unit_price("S2", 9)


@pytest.mark.parametrize("quantity", [0, -1])
def test_no_price_for_nothing(quantity):
    with pytest.raises(NoPrice, match=f"quantity {quantity}"):
        table().unit_price("S1", quantity)


def test_unknown_product_has_no_price():
    with pytest.raises(NoPrice, match=r"'ZZ9'.*quantity 5") as raised:
        table().unit_price("ZZ9", 5)
    assert raised.value.code == "ZZ9"
    assert raised.value.quantity == 5
    assert isinstance(raised.value, ValueError)


def test_quantity_must_be_an_int():
    with pytest.raises(TypeError):
        table().unit_price("S1", 1.0)


def test_flat_product_price_ignores_seats():
    prices = table()
    assert prices.unit_price("SUP", 1) == usd("99.00")
    assert prices.unit_price("SUP", 700) == usd("99.00")


def test_bad_tiers_are_refused():
    with pytest.raises(ValueError, match="at least one tier"):
        PricedProduct("X", "X", Charge.PER_SEAT, Term.MONTHLY, ())
    with pytest.raises(ValueError, match="same quantity"):
        PricedProduct("X", "X", Charge.PER_SEAT, Term.MONTHLY, (Tier(1, D("1")), Tier(1, D("2"))))
    with pytest.raises(ValueError, match="flat"):
        PricedProduct("X", "X", Charge.FLAT, Term.MONTHLY, (Tier(5, D("1")),))
    with pytest.raises(ValueError):
        Tier(0, D("1"))
    with pytest.raises(ValueError):
        Tier(1, D("-0.01"))
    with pytest.raises(TypeError):
        Tier(1, 1.5)
