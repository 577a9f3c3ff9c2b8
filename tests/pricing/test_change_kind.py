import pytest

from portal.pricing import ChangeKind, price_change, price_order

from .samples import table


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ({"S1": 100}, {"S1": 100}, "none"),
        ({"S1": 100}, {"S1": 150}, "upsell"),
        ({"S1": 100, "C1": 100}, {"S1": 150, "C1": 100}, "upsell"),
        ({"S1": 100}, {"S1": 99}, "downsell"),
        ({"S1": 100, "C1": 100}, {"S1": 150, "C1": 50}, "downsell"),
        ({"S1": 100}, {"S1": 100, "C1": 100}, "upgrade"),
        ({"S1": 100, "C1": 100}, {"S1": 100}, "upgrade"),
        ({"S1": 100}, {"S2": 100}, "upgrade"),
        ({"S1": 100}, {"S1": 50, "A1": 50}, "upgrade"),
        ({}, {"S1": 10}, "upgrade"),
    ],
)
def test_kind(before, after, kind):
    prices = table()
    quote = price_change(prices, price_order(prices, before).lines, after)
    assert quote.kind == kind
    assert isinstance(quote.kind, ChangeKind)
