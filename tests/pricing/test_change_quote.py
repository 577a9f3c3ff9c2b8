from decimal import Decimal

import pytest

from portal.pricing import (
    CurrencyMismatch,
    Line,
    NoPrice,
    Totals,
    price_change,
    price_line,
    price_order,
)

from .samples import table, usd

D = Decimal


def codes(lines):
    return [(line.code, line.quantity) for line in lines]


def test_added_product_is_priced_from_the_table():
    prices = table()
    prior = price_order(prices, {"S1": 120}).lines
    quote = price_change(prices, prior, {"S1": 120, "C1": 120, "ONB": 1})
    assert codes(quote.added) == [("C1", 120), ("ONB", 1)]
    assert codes(quote.kept) == [("S1", 120)]
    assert quote.changes == ()
    assert quote.net_totals == Totals(usd("144.00"), usd("0"), usd("250.00"))


def test_dropped_product_gets_only_the_negative_line():
    prices = table()
    prior = price_order(prices, {"S1": 120, "C1": 120, "SUP": 1}).lines
    for proposed in ({"S1": 120}, {"S1": 120, "C1": 0, "SUP": 0}):
        quote = price_change(prices, prior, proposed)
        assert codes(quote.changes) == [("C1", -120), ("SUP", -1)]
        assert [line.payment for line in quote.changes] == [usd("-144.00"), usd("-99.00")]
        assert codes(quote.removed) == [("C1", 120), ("SUP", 1)]
        assert codes(quote.proposed) == [("S1", 120)]


def test_price_change_alone_is_a_change():
    prior = price_order(table(s1_tier_500="3.55"), {"S1": 600}).lines
    quote = price_change(table(), prior, {"S1": 600})
    assert codes(quote.changes) == [("S1", -600), ("S1", 600)]
    assert quote.kept == ()
    assert quote.kind == "upsell"


def test_dropped_product_needs_no_current_price():
    # A product gone from the price list can still be taken off an agreement.
    legacy = Line.of("OLD", "Legacy", "monthly", "per_seat", 10, usd("2.00"))
    quote = price_change(table(), [legacy], {"S1": 10})
    assert codes(quote.changes) == [("OLD", -10)]
    assert quote.changes[0].payment == usd("-20.00")
    with pytest.raises(NoPrice, match="OLD"):
        price_change(table(), [legacy], {"OLD": 11})


def test_rows_pair_prior_and_current():
    prices = table()
    prior = price_order(prices, {"S1": 350, "C1": 350}).lines
    quote = price_change(prices, prior, {"S1": 400, "A1": 400})
    summary = [
        (row.code, row.prior and row.prior.quantity, row.current and row.current.quantity)
        for row in quote.rows()
    ]
    assert summary == [("S1", 350, 400), ("C1", 350, None), ("A1", None, 400)]


def test_bad_prior_is_refused():
    prices = table()
    line = price_line(prices, "S1", 10)
    with pytest.raises(ValueError, match="twice"):
        price_change(prices, [line, line], {})
    with pytest.raises(ValueError, match="positive"):
        price_change(prices, [line.negated()], {})
    with pytest.raises(CurrencyMismatch):
        price_change(table("EUR"), [line], {})
    with pytest.raises(ValueError, match="negative"):
        price_change(prices, [line], {"S1": -1})
