"""What an agreement becomes at a renewal: the lines due renew at the prices in force that
day with the changes scheduled for them; the others carry on; auto-renew off ends a line."""

import datetime
from decimal import Decimal

import pytest

from portal.catalog.models import ContractedPrice
from portal.catalog.selectors import price_table_for
from portal.renewals.models import RenewalChange
from portal.renewals.plan import NotRenewable, renewal_plan
from tests.fixtures.customers import make_customer

RENEWS = datetime.date(2027, 6, 30)


@pytest.fixture
def fabrikam_annual(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    agreement = company.agreements.get()
    agreement.lines.update(commitment="1y", term_start=datetime.date(2026, 6, 30), term_end=RENEWS)
    return company


def lines_of(company):
    return list(company.agreements.get().lines.order_by("id"))


def scheduled(company, code, kind, **fields):
    line = company.agreements.get().lines.get(code=code)
    return RenewalChange(
        company=company, product=line.product, code=code, renews_on=RENEWS, kind=kind, **fields
    )


def test_a_term_renews_for_another_term_at_the_same_seats_and_prices(fabrikam_annual, acme):
    plan = renewal_plan(
        lines=lines_of(fabrikam_annual), changes=[], table=price_table_for(acme), renews_on=RENEWS
    )
    assert [(line.code, line.quantity, line.term_end) for line in plan.renewing] == [
        ("S1", 350, datetime.date(2028, 6, 30)),
        ("C1", 350, datetime.date(2028, 6, 30)),
    ]
    assert not plan.changed and plan.commitment_renews
    assert plan.value == plan.value_before


def test_scheduled_seats_and_the_prices_then_in_force_make_the_renewal(fabrikam_annual, acme):
    s1 = lines_of(fabrikam_annual)[0]
    ContractedPrice.objects.create(
        partner=acme,
        product=s1.product,
        term=s1.term,
        min_quantity=1,
        unit_price=Decimal("5.0000"),
        effective_from=datetime.date(2027, 6, 1),
    )
    plan = renewal_plan(
        lines=lines_of(fabrikam_annual),
        changes=[scheduled(fabrikam_annual, "S1", RenewalChange.Kind.SEATS, seats=200)],
        table=price_table_for(acme, on=RENEWS),
        renews_on=RENEWS,
    )
    renewed = {line.code: line for line in plan.lines}
    assert (renewed["S1"].quantity, renewed["S1"].unit_price, renewed["S1"].payment) == (
        200,
        Decimal("5.0000"),
        Decimal("1000.00"),
    )
    assert renewed["C1"].quantity == 350 and plan.changed
    # The day before, the old prices are in force.
    before = price_table_for(acme, on=datetime.date(2027, 5, 31))
    assert before.unit_price("S1", 350).amount == s1.unit_price


def test_auto_renew_off_and_a_removal_end_their_lines(fabrikam_annual, acme):
    fabrikam_annual.agreements.get().lines.filter(code="C1").update(auto_renew=False)
    plan = renewal_plan(
        lines=lines_of(fabrikam_annual),
        changes=[scheduled(fabrikam_annual, "S1", RenewalChange.Kind.REMOVE)],
        table=price_table_for(acme),
        renews_on=RENEWS,
    )
    assert [line.code for line in plan.ending] == ["S1", "C1"]
    assert plan.ends_everything


def test_a_product_without_a_price_that_day_cannot_renew(fabrikam_annual, acme):
    ContractedPrice.objects.filter(partner=acme, product__code="S1").delete()
    with pytest.raises(NotRenewable, match="S1 has no contracted price in force on 2027-06-30"):
        renewal_plan(
            lines=lines_of(fabrikam_annual),
            changes=[],
            table=price_table_for(acme),
            renews_on=RENEWS,
        )
