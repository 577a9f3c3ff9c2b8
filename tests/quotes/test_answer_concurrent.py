"""The end customer clicks Accept twice, or two people answer at the same moment: the quote's
row lock lets one answer through; the other is told the quote was answered already. Also two
Admins saving the same product's price at once leave one row (PostgreSQL: real connections)."""

from decimal import Decimal

import pytest
from django.db import connection

from portal.pricebook.models import SellingPrice
from portal.pricebook.services import selling_price_set
from portal.quotes.models import CustomerQuote
from portal.quotes.services import CannotAnswer, quote_answer, quote_make
from tests.renewals.test_manage_renewal_concurrent import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two real connections"
)


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_leave_one(acme, acme_admin, prospect):
    selling_price_set(
        partner=acme,
        product=acme.products.get(code="S1"),
        basis="markup",
        amount=Decimal(25),
        actor=None,
    )
    quote = quote_make(company=prospect, actor=acme_admin)

    outcomes = at_once(
        *(
            lambda accept=accept: quote_answer(
                quote_id=quote.pk,
                accept=accept,
                name="Jane",
                title="CTO",
                comment="",
                ip="203.0.113.7",
                agent="Test",
            )
            for accept in (True, False)
        )
    )

    answered = [o for o in outcomes if isinstance(o, CustomerQuote)]
    refused = [o for o in outcomes if isinstance(o, CannotAnswer)]
    assert len(answered) == 1 and len(refused) == 1, outcomes
    quote.refresh_from_db()
    assert quote.status == answered[0].status


@pytest.mark.django_db(transaction=True)
def test_two_admins_saving_one_price_at_once_leave_one_row(acme, acme_admin, catalog):
    outcomes = at_once(
        *(
            lambda amount=amount: selling_price_set(
                partner=acme,
                product=catalog["S1"],
                basis="price",
                amount=Decimal(amount),
                actor=acme_admin,
            )
            for amount in ("4.00", "4.50")
        )
    )

    assert all(isinstance(o, SellingPrice) for o in outcomes), outcomes
    assert SellingPrice.objects.count() == 1
