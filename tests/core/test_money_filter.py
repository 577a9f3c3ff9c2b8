from decimal import Decimal

import pytest

from portal.core.templatetags.money import money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("2011.9"), "USD 2,011.90"),
        (Decimal("2.9500"), "USD 2.95"),
        (Decimal("0.0125"), "USD 0.0125"),
        (Decimal("-2387.00"), "USD -2,387.00"),
        (Decimal("1000000"), "USD 1,000,000.00"),
    ],
)
def test_money_shows_cents_and_only_real_fractions_of_a_cent(amount, shown):
    assert money(amount, "USD") == shown


def test_missing_money_shows_a_dash():
    assert money(None, "USD") == "—"
