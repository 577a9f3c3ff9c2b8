from decimal import Decimal

from portal.catalog.models import ContractedPrice
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement
from portal.companies.services import agreement_create
from portal.pricing import price_order
from tests.fixtures.factories import make_company, make_product, set_prices


def test_agreement_versions_keep_the_prices_of_their_order(acme, acme_admin):
    s1 = make_product("S1")
    set_prices(acme, s1, [(1, "3.50"), (500, "2.95")])
    company = make_company(acme, "Northwind Traders")
    quote = price_order(price_table_for(partner=acme), {"S1": 682})

    first = agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.ACTIVE,
        total_users=682,
        currency="USD",
        actor=acme_admin,
    )
    ContractedPrice.objects.filter(partner=acme).update(unit_price=Decimal("9.99"))
    second = agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.UPSELL_PENDING,
        total_users=682,
        currency="USD",
        actor=acme_admin,
    )

    line = first.lines.get()
    assert (line.quantity, line.unit_price, line.payment) == (
        682,
        Decimal("2.95"),
        Decimal("2011.90"),
    )
    assert second.version == 2
    assert first.activated_at is not None and second.activated_at is None
