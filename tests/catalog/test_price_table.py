from decimal import Decimal

import pytest

from portal.catalog.selectors import price_table_for
from portal.pricing import NoPrice, Term
from tests.fixtures.factories import make_product, set_prices


@pytest.fixture
def s1(db):
    return make_product("S1", name="Email Security", position=1)


def test_price_table_holds_the_partners_tiers(acme, s1):
    set_prices(acme, s1, [(1, "3.50"), (500, "2.95")])

    table = price_table_for(partner=acme)

    assert table.currency == "USD"
    assert table.unit_price("S1", 499).amount == Decimal("3.50")
    assert table.unit_price("S1", 500).amount == Decimal("2.95")


def test_each_partner_gets_its_own_prices(acme, globex, s1):
    set_prices(acme, s1, [(1, "3.50")])
    set_prices(globex, s1, [(1, "3.75")])

    assert price_table_for(partner=globex).unit_price("S1", 10).amount == Decimal("3.75")


def test_product_not_enabled_for_the_partner_has_no_price(acme, s1):
    set_prices(acme, s1, [(1, "3.50")])
    acme.products.remove(s1)

    with pytest.raises(NoPrice):
        price_table_for(partner=acme).unit_price("S1", 10)


def test_price_table_is_read_in_one_query(acme, s1, django_assert_num_queries):
    set_prices(acme, s1, [(1, "3.50"), (250, "3.20")])
    set_prices(acme, make_product("A3", term=Term.ANNUAL.value), [(1, "10")])

    with django_assert_num_queries(1):
        table = price_table_for(partner=acme)

    assert set(table.products) == {"S1", "A3"}
