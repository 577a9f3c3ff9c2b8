from decimal import Decimal

import pytest

from portal.pricing import Charge, PricedProduct, PriceTable, Term, Tier

from .samples import C1, S2, table, usd


def test_prices_are_in_the_table_currency():
    assert table("EUR").unit_price("C1", 10).currency == "EUR"


def test_products_are_read_only_copies():
    products = {"C1": C1}
    prices = PriceTable("USD", products)
    products["C1"] = PricedProduct(
        "C1", "Cheaper", Charge.PER_SEAT, Term.MONTHLY, (Tier(1, Decimal("0.01")),)
    )
    assert prices.unit_price("C1", 10) == usd("1.20")
    with pytest.raises(TypeError):
        prices.products["C1"] = C1


def test_code_must_match_its_key():
    with pytest.raises(ValueError, match="'S2'"):
        PriceTable("USD", {"S2": C1})


def test_two_products_with_one_code_are_refused():
    with pytest.raises(ValueError, match="share a code"):
        PriceTable.of("USD", [C1, S2, C1])


def test_enums_are_their_stored_strings():
    assert Term.ONE_TIME == "one_time"
    assert Charge.PER_SEAT == "per_seat"
    product = PricedProduct("X", "X", "flat", "annual", (Tier(1, Decimal("5")),))
    assert product.charge is Charge.FLAT
    assert product.term is Term.ANNUAL
