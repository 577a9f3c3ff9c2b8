"""The totals the user was shown are checked again by Submit Order, under its lock: prices that
moved after the form was checked refuse the order, and nothing is saved."""

from decimal import Decimal

import pytest

from portal.companies.models import Agreement, Company
from portal.orders.models import Order
from portal.orders.rules import TOTALS_MOVED, PricesMoved
from portal.orders.services import OrderInput, order_submit


def test_a_submit_at_other_totals_than_shown_is_refused_and_nothing_is_saved(
    prospect, acme_admin, catalog
):
    data = OrderInput(
        implementation_lead=acme_admin,
        permitted_users=682,
        products={catalog["S1"]: None},
        infrastructure={},
        order_number="PO-1",
        order_number_not_required=False,
        shown_initial=Decimal("1.00"),
    )

    with pytest.raises(PricesMoved) as refused:
        order_submit(company=prospect, actor=acme_admin, data=data, key=None, ip=None)

    assert refused.value.message == TOTALS_MOVED
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT
    assert not Order.objects.exists() and not Agreement.objects.exists()
