"""The worked cases of the seed help pages (DESIGN.md section 3), at concrete contracted prices.

S1 per seat monthly: 1+ 4.50, 100+ 3.95, 500+ 3.4875, 1000+ 3.10.
C1 per seat monthly: 1+ 1.20, 250+ 0.9975. SUP: flat 99.00 monthly.
"""

from decimal import Decimal

from portal.pricing import price_change, price_order

from .samples import table, usd

D = Decimal


def rows(lines):
    return [
        (line.code, line.quantity, line.unit_price.amount, line.payment.amount) for line in lines
    ]


def test_682_to_700_seats_upsell():
    prices = table()
    prior = price_order(prices, {"S1": 682, "SUP": 1}).lines
    quote = price_change(prices, prior, {"S1": 700, "SUP": 1})
    assert rows(quote.changes) == [
        ("S1", -682, D("3.4875"), D("-2378.48")),  # 2378.475 rounds half-up
        ("S1", 700, D("3.4875"), D("2441.25")),
    ]
    assert rows(quote.kept) == [("SUP", 1, D("99.00"), D("99.00"))]
    assert quote.added == ()
    assert quote.prior_totals.monthly == usd("2477.48")
    assert quote.new_totals.monthly == usd("2540.25")
    assert quote.net_totals.monthly == usd("62.77")
    assert quote.kind == "upsell"


def test_682_to_700_keeps_the_prior_price_after_a_price_change():
    # The agreement was priced when the 500+ tier cost 3.55; the price list has changed since.
    prior = price_order(table(s1_tier_500="3.55"), {"S1": 682}).lines
    quote = price_change(table(), prior, {"S1": 700})
    assert rows(quote.changes) == [
        ("S1", -682, D("3.55"), D("-2421.10")),
        ("S1", 700, D("3.4875"), D("2441.25")),
    ]
    assert quote.new_totals.monthly == usd("2441.25")
    assert quote.net_totals.monthly == usd("20.15")


def test_350_to_200_on_s1_and_c1_downsell():
    prices = table()
    prior = price_order(prices, {"S1": 350, "C1": 350}).lines
    quote = price_change(prices, prior, {"S1": 200, "C1": 200})
    assert rows(quote.changes) == [
        ("S1", -350, D("3.95"), D("-1382.50")),
        ("S1", 200, D("3.95"), D("790.00")),
        ("C1", -350, D("0.9975"), D("-349.13")),  # 349.125 rounds half-up
        ("C1", 200, D("1.20"), D("240.00")),  # back under the 250 tier
    ]
    assert [(line.code, line.quantity) for line in quote.proposed] == [("S1", 200), ("C1", 200)]
    assert quote.kept == ()
    assert quote.added == ()
    assert quote.prior_totals.monthly == usd("1731.63")
    assert quote.new_totals.monthly == usd("1030.00")
    assert quote.new_totals.monthly < quote.prior_totals.monthly
    assert quote.net_totals.monthly == usd("-701.63")
    assert quote.kind == "downsell"
