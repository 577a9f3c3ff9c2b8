from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given

from portal.pricing import CurrencyMismatch, Money, NoPrice, Term, Totals, price_order

from .samples import table, usd
from .strategies import quantities, tables

D = Decimal


def test_the_four_totals():
    quote = price_order(table(), {"S1": 120, "C1": 120, "A1": 120, "T1": 3, "ONB": 120, "SUP": 1})
    assert [line.code for line in quote.lines] == ["S1", "C1", "A1", "T1", "ONB", "SUP"]
    assert [line.payment.amount for line in quote.lines] == [
        D("474.00"),  # 120 x 3.95
        D("144.00"),  # 120 x 1.20
        D("1440.00"),  # 120 x 12.00, annual
        D("106.50"),  # 3 x 35.50, one time
        D("250.00"),  # flat, one time
        D("99.00"),  # flat, monthly
    ]
    assert quote.totals.monthly == usd("717.00")
    assert quote.totals.annual == usd("1440.00")
    assert quote.totals.one_time == usd("356.50")
    assert quote.totals.initial == usd("2513.50")


def test_zero_means_not_ordered():
    quote = price_order(table(), {"S1": 0, "C1": 10})
    assert [line.code for line in quote.lines] == ["C1"]
    assert quote.totals == Totals(usd("12.00"), usd("0"), usd("0"))


def test_empty_order_totals_zero():
    quote = price_order(table("GBP"), {})
    assert quote.lines == ()
    assert quote.totals.initial == Money.zero("GBP")


def test_negative_quantity_is_refused():
    with pytest.raises(ValueError, match="S1"):
        price_order(table(), {"S1": -5})


def test_unpriceable_line_is_refused():
    with pytest.raises(NoPrice, match="S2"):
        price_order(table(), {"S1": 5, "S2": 5})


def test_totals_refuse_a_foreign_line():
    euro_line = price_order(table("EUR"), {"C1": 1}).lines[0]
    with pytest.raises(CurrencyMismatch):
        Totals.of([euro_line], "USD")


def test_totals_arithmetic():
    a = Totals(usd("1"), usd("2"), usd("3"))
    b = Totals(usd("0.50"), usd("5"), usd("0"))
    assert a + b == Totals(usd("1.50"), usd("7"), usd("3"))
    assert a - b == Totals(usd("0.50"), usd("-3"), usd("3"))
    assert a.by_term(Term.ANNUAL) == usd("2")
    assert a.by_term("one_time") == usd("3")


@given(tables(), quantities)
def test_totals_are_the_sum_of_the_lines_per_term(prices, ordered):
    quote = price_order(prices, ordered)
    assert [line.code for line in quote.lines] == [c for c, q in ordered.items() if q > 0]
    for line in quote.lines:
        product = prices.products[line.code]
        seats = ordered[line.code] if product.charge == "per_seat" else 1
        assert line.quantity == seats
        exact = D(seats) * line.unit_price.amount
        assert line.payment.amount == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    for term in Term:
        expected = sum((line.payment.amount for line in quote.lines if line.term == term), D(0))
        assert quote.totals.by_term(term).amount == expected
    everything = sum((line.payment.amount for line in quote.lines), D(0))
    assert quote.totals.initial.amount == everything
