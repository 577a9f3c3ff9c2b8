"""Change Options: open for a Complete customer whose primary products are on the vendor's
current price list and who has no change waiting to sync; otherwise disabled with the reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.changes.models import ChangeOrder
from portal.companies.lifecycle import ChangeOptions, agreement_confirm, change_options_state
from portal.companies.models import Agreement, Company
from tests.fixtures.factories import make_company, make_product, make_user, set_prices

from .test_lifecycle_sync import (
    make_catalog,
    make_customer,
    make_price_list,
    make_version,
    submit_change,
)

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture
def catalog(acme):
    return make_catalog(acme)


@pytest.fixture
def alice(acme):
    return make_user(acme, full_name="Alice Admin", role="admin", email="alice@acme.test")


@pytest.fixture
def fabrikam(acme, alice, catalog):
    return make_customer(acme, alice)


def test_open_for_a_complete_customer_on_the_current_price_list(fabrikam):
    assert change_options_state(fabrikam, today=TODAY) == ChangeOptions(enabled=True)


def test_only_a_customer_can_be_changed(acme):
    prospect = make_company(acme, "Contoso Pharmaceuticals")

    state = change_options_state(prospect, today=TODAY)

    assert state == ChangeOptions(False, "Only a customer can be changed.")


def test_closed_while_the_new_order_waits_to_be_provisioned(acme, alice, catalog):
    company = make_company(acme, "Contoso Pharmaceuticals", status=Company.Status.IN_PROGRESS)
    make_version(company, alice, {"S1": 682}, 682, Agreement.Status.NEW_ORDER_PENDING)

    state = change_options_state(company, today=TODAY)

    assert not state.enabled
    assert state.reason == "The order for this customer is waiting to be provisioned."
    assert state.opens_again == "when the vendor confirms it"


def test_closed_while_a_change_waits_to_sync_and_says_which(fabrikam, alice):
    upsell = submit_change(fabrikam, alice, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL)
    submitted = timezone.make_aware(datetime.datetime(2026, 11, 22, 14, 5))
    Agreement.objects.filter(pk=upsell.pk).update(created_at=submitted)

    state = change_options_state(fabrikam, today=TODAY)

    assert state == ChangeOptions(
        False,
        "A change (Upsell Pending Order, submitted 2026-11-22 14:05 by Alice Admin) is "
        "waiting to sync with the vendor.",
        "when the vendor confirms it",
    )


def test_opens_again_once_the_change_has_synced(fabrikam, alice, staff):
    downsell = submit_change(
        fabrikam, alice, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL
    )

    agreement_confirm(agreement=downsell, actor=staff)

    assert change_options_state(fabrikam, today=TODAY).enabled


def test_closed_when_a_primary_product_is_not_on_the_current_price_list(acme, alice, catalog):
    s9 = make_product("S9", name="Legacy Gateway")
    set_prices(acme, s9, [(1, "4.00")])
    company = make_customer(acme, alice, "Northwind Traders", {"S9": 682, "C1": 682}, 682)

    state = change_options_state(company, today=TODAY)

    assert state == ChangeOptions(
        False,
        "S9 — Legacy Gateway is not on the vendor's current price list: ask the vendor to "
        "change this customer.",
    )


def test_an_addon_off_the_price_list_does_not_matter(acme, alice, catalog):
    a9 = make_product("A9", name="Old Add-on", kind="addon")
    set_prices(acme, a9, [(1, "1.00")])
    company = make_customer(acme, alice, "Northwind Traders", {"S1": 682, "A9": 682}, 682)

    assert change_options_state(company, today=TODAY).enabled


def test_only_the_newest_price_list_in_effect_counts(acme, fabrikam, catalog):
    # A newer list without C1 takes over from its first day; one dated later does not yet.
    make_price_list([catalog["S1"]], day=datetime.date(2026, 11, 1))
    make_price_list(catalog.values(), day=datetime.date(2026, 12, 1))

    before = change_options_state(fabrikam, today=datetime.date(2026, 10, 31))
    during = change_options_state(fabrikam, today=TODAY)
    after = change_options_state(fabrikam, today=datetime.date(2026, 12, 1))

    assert before.enabled and after.enabled
    assert not during.enabled
    assert during.reason.startswith("C1 — Continuity is not on the vendor's current price list")


def test_the_price_list_of_the_partners_currency_counts(acme, fabrikam, catalog):
    make_price_list([], day=datetime.date(2026, 11, 1), currency="EUR")
    assert change_options_state(fabrikam, today=TODAY).enabled

    acme.currency = "EUR"
    acme.save()

    state = change_options_state(fabrikam, today=TODAY)
    assert not state.enabled
    assert state.reason.startswith("S1 — Email Security Cloud Gateway and C1 — Continuity are not")


def test_without_any_price_list_no_product_is_on_it(fabrikam):
    from portal.catalog.models import PriceList

    PriceList.objects.all().delete()

    assert not change_options_state(fabrikam, today=TODAY).enabled


def test_a_complete_customer_without_an_agreement_in_effect(acme):
    company = make_company(acme, "Orphan Ltd", status=Company.Status.COMPLETE)

    state = change_options_state(company, today=TODAY)

    assert state == ChangeOptions(False, "This customer has no agreement in effect.")


def test_the_state_costs_two_queries_however_many_lines(
    acme, alice, catalog, django_assert_num_queries
):
    for code in ("P1", "P2", "P3", "P4", "P5"):
        set_prices(acme, make_product(code), [(1, "1.00")])
    company = make_customer(
        acme, alice, "Big Corp", {c: 10 for c in ("S1", "C1", "P1", "P2", "P3", "P4", "P5")}, 10
    )

    with django_assert_num_queries(2):
        state = change_options_state(company, today=TODAY)

    assert state.reason.startswith("P1 — Product P1 and P2 — Product P2 and")


# The customer page


def test_the_page_links_change_options_when_open(client, settings, acme_admin, fabrikam):
    client.force_login(acme_admin)

    html = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()

    href = reverse("changes:start", args=[fabrikam.pk])
    assert f'<a class="button primary" href="{href}">Change Options</a>' in html


def test_the_page_shows_change_options_disabled_with_the_reason(
    client, settings, acme_admin, fabrikam, alice
):
    submit_change(fabrikam, alice, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL)
    client.force_login(acme_admin)

    html = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()

    assert (
        '<button type="button" class="primary" disabled aria-describedby="change-options-why">'
        "Change Options</button>"
    ) in html
    assert 'id="change-options-why"' in html
    assert "(Downsell Pending Order, submitted" in html
    assert "by Alice Admin) is waiting to sync with the vendor." in html
    assert "Change Options opens again when the vendor confirms it." in html
    assert reverse("changes:start", args=[fabrikam.pk]) not in html


def test_a_prospect_page_has_no_change_options(client, acme_admin, acme):
    prospect = make_company(acme, "Contoso Pharmaceuticals")
    client.force_login(acme_admin)

    html = client.get(reverse("companies:detail", args=[prospect.pk])).content.decode()

    assert "Change Options" not in html
