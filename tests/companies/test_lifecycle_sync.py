"""The vendor confirms (syncs) or rejects a pending agreement version, by a service call or the
vendor-staff actions in Django admin.

The helpers at the top make customers and submitted changes for the other lifecycle tests too.
"""

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.catalog.models import ListPrice, PriceList
from portal.catalog.selectors import price_table_for
from portal.changes.models import ChangeOrder
from portal.companies.billing import first_of_next_month
from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create
from portal.core.history import history_for
from portal.pricing import price_order
from tests.fixtures.factories import make_company, make_product, set_prices

BILLING = datetime.date(2026, 12, 1)
PENDING_OF = {
    ChangeOrder.Kind.UPSELL: Agreement.Status.UPSELL_PENDING,
    ChangeOrder.Kind.DOWNSELL: Agreement.Status.DOWNSELL_PENDING,
    ChangeOrder.Kind.UPGRADE: Agreement.Status.UPGRADE_PENDING,
}


def make_catalog(partner) -> dict:
    """S1 and C1 (primaries) and A1 (an add-on) at the seeds' prices, on the current list."""
    s1 = make_product("S1", name="Email Security Cloud Gateway", position=10)
    c1 = make_product("C1", name="Continuity", position=20)
    a1 = make_product("A1", name="Mac Client", kind="addon", needs_own_seats=True, position=30)
    set_prices(partner, s1, [(1, "3.50"), (250, "3.20"), (500, "2.95")])
    set_prices(partner, c1, [(1, "1.25"), (250, "1.10")])
    set_prices(partner, a1, [(1, "0.90")])
    products = {"S1": s1, "C1": c1, "A1": a1}
    make_price_list(products.values())
    return products


def make_price_list(products, day=datetime.date(2026, 1, 1), currency="USD") -> PriceList:
    price_list = PriceList.objects.create(name=f"List {day}", currency=currency, effective_from=day)
    ListPrice.objects.bulk_create(
        ListPrice(price_list=price_list, product=p, term=p.term, unit_price="9.99")
        for p in products
    )
    return price_list


def make_version(company, actor, quantities, users, status) -> Agreement:
    table = price_table_for(partner=company.partner)
    return agreement_create(
        company=company,
        lines=list(price_order(table, quantities).lines),
        status=status,
        total_users=users,
        currency=company.partner.currency,
        actor=actor,
    )


def make_customer(partner, actor, name="Fabrikam Logistics", quantities=None, users=350):
    """A Complete customer with an Active agreement (version 1)."""
    company = make_company(
        partner,
        name,
        status=Company.Status.COMPLETE,
        permitted_users=users,
        next_billing_date=BILLING,
    )
    make_version(company, actor, quantities or {"S1": users, "C1": users}, users, "active")
    return company


def submit_change(
    company, actor, quantities, users, kind, *, effective_on=None, cancel_by=None
) -> Agreement:
    """What the change-order submit leaves behind: a pending version (taking effect on
    ``effective_on``, if given) and its change order."""
    prior = company.agreements.get(status=Agreement.Status.ACTIVE)
    agreement = make_version(company, actor, quantities, users, PENDING_OF[kind])
    ChangeOrder.objects.create(
        company=company,
        status=ChangeOrder.Status.SUBMITTED,
        prior=prior,
        seats=users,
        kind=kind,
        currency=agreement.currency,
        idempotency_key=uuid.uuid4(),
        agreement=agreement,
        effective_on=effective_on,
        cancel_by=cancel_by,
        submitted_by=actor,
        submitted_at=timezone.now(),
    )
    if effective_on:
        agreement.effective_from = effective_on
        agreement.save(update_fields=["effective_from"])
    return agreement


def statuses(company) -> dict[int, str]:
    return dict(company.agreements.values_list("version", "status"))


@pytest.fixture
def catalog(acme):
    return make_catalog(acme)


@pytest.fixture
def fabrikam(acme, acme_admin, catalog):
    return make_customer(acme, acme_admin)


@pytest.fixture
def new_customer(acme, acme_admin, catalog):
    """A new-business order just submitted: In Progress, version 1 New Order Pending."""
    company = make_company(acme, "Contoso Pharmaceuticals", status=Company.Status.IN_PROGRESS)
    make_version(company, acme_admin, {"S1": 682}, 682, Agreement.Status.NEW_ORDER_PENDING)
    return company


def test_confirming_a_new_order_makes_it_active_and_the_customer_complete(new_customer, staff):
    before = timezone.now()

    agreement = agreement_confirm(agreement=new_customer.agreements.get(), actor=staff)

    new_customer.refresh_from_db()
    assert agreement.status == Agreement.Status.ACTIVE
    assert agreement.activated_at >= before
    assert new_customer.status == Company.Status.COMPLETE
    assert new_customer.next_billing_date == first_of_next_month(timezone.localdate())
    entries = list(history_for(new_customer))
    assert [entry.summary for entry in entries[:2]] == [
        "Status changed to Customer (Complete)",
        "Agreement version 1 synced with the vendor: New Order Pending → Active",
    ]
    assert entries[1].actor == staff
    assert entries[1].changes["Next billing date"] == [
        None,
        str(new_customer.next_billing_date),
    ]


def test_confirming_keeps_a_billing_date_the_customer_already_has(new_customer, staff):
    # A day still ahead whatever today is: one on or before today is replaced.
    kept = first_of_next_month(timezone.localdate()) + datetime.timedelta(days=14)
    Company.objects.filter(pk=new_customer.pk).update(next_billing_date=kept)

    agreement_confirm(agreement=new_customer.agreements.get(), actor=staff)

    new_customer.refresh_from_db()
    assert new_customer.next_billing_date == kept


def test_confirming_replaces_a_billing_date_already_past(new_customer, staff):
    past = timezone.localdate() - datetime.timedelta(days=1)
    Company.objects.filter(pk=new_customer.pk).update(next_billing_date=past)

    agreement_confirm(agreement=new_customer.agreements.get(), actor=staff)

    new_customer.refresh_from_db()
    assert new_customer.next_billing_date == first_of_next_month(timezone.localdate())


def test_confirming_a_change_supersedes_the_version_it_replaces(fabrikam, acme_admin, staff):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )

    agreement_confirm(agreement=upsell, actor=staff)

    assert statuses(fabrikam) == {1: "superseded", 2: "active"}
    fabrikam.refresh_from_db()
    assert fabrikam.status == Company.Status.COMPLETE
    assert fabrikam.next_billing_date == BILLING
    entry = history_for(fabrikam).first()
    assert (
        entry.summary == "Agreement version 2 synced with the vendor: Upsell Pending Order → Active"
    )
    assert entry.changes == {
        "Agreement version 1": ["Active", "Superseded"],
        "Agreement version 2": ["Upsell Pending Order", "Active"],
        # Permitted Users are the seats in effect.
        "permitted_users": [350, 400],
    }


def test_confirming_again_changes_nothing(fabrikam, acme_admin, staff):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    first = agreement_confirm(agreement=upsell, actor=staff)
    entries = history_for(fabrikam).count()

    again = agreement_confirm(agreement=upsell, actor=staff)

    assert again.status == Agreement.Status.ACTIVE
    assert again.activated_at == first.activated_at
    assert history_for(fabrikam).count() == entries
    assert statuses(fabrikam) == {1: "superseded", 2: "active"}


@pytest.mark.parametrize("closed", ["cancelled", "rejected", "superseded"])
def test_confirming_a_closed_version_changes_nothing(fabrikam, acme_admin, staff, closed):
    change = submit_change(
        fabrikam, acme_admin, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL
    )
    # (A superseded version was in effect for a while: here, for no day at all.)
    Agreement.objects.filter(pk=change.pk).update(
        status=closed, effective_until=F("effective_from")
    )

    result = agreement_confirm(agreement=change, actor=staff)

    assert result.status == closed
    assert statuses(fabrikam) == {1: "active", 2: closed}


def test_rejecting_a_change_keeps_the_version_in_effect(fabrikam, acme_admin, staff):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )

    result = agreement_reject(agreement=upsell, actor=staff, reason="  Seat count   unclear ")

    assert result.status == Agreement.Status.REJECTED
    assert result.reason == "Seat count unclear"
    assert statuses(fabrikam) == {1: "active", 2: "rejected"}
    fabrikam.refresh_from_db()
    # The customer is back to the seats of the version in effect.
    assert fabrikam.permitted_users == 350
    summaries = [entry.summary for entry in history_for(fabrikam)[:2]]
    assert "Agreement version 2 rejected by the vendor: Seat count unclear" in summaries


def test_rejecting_a_new_order_makes_the_customer_a_prospect_again(new_customer, staff):
    agreement_reject(agreement=new_customer.agreements.get(), actor=staff, reason="No MSA")

    new_customer.refresh_from_db()
    assert new_customer.status == Company.Status.PROSPECT
    assert statuses(new_customer) == {1: "rejected"}
    assert history_for(new_customer).first().changes == {
        "status": ["Customer (In Progress)", "Prospect"]
    }


def test_rejecting_needs_a_reason(fabrikam, acme_admin, staff):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )

    with pytest.raises(ValidationError):
        agreement_reject(agreement=upsell, actor=staff, reason="   ")

    assert statuses(fabrikam) == {1: "active", 2: "upsell_pending"}


def test_rejecting_an_active_version_changes_nothing(fabrikam, staff):
    active = fabrikam.agreements.get()

    result = agreement_reject(agreement=active, actor=staff, reason="Too late")

    assert (result.status, result.reason) == (Agreement.Status.ACTIVE, "")


def test_a_confirmed_change_opens_the_way_for_the_next_one(fabrikam, acme_admin, staff):
    first = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    agreement_confirm(agreement=first, actor=staff)
    second = submit_change(
        fabrikam, acme_admin, {"S1": 500, "C1": 500}, 500, ChangeOrder.Kind.UPSELL
    )

    agreement_confirm(agreement=second, actor=staff)

    assert statuses(fabrikam) == {1: "superseded", 2: "superseded", 3: "active"}


def _run_action(client, action, agreements, **extra):
    return client.post(
        reverse("admin:companies_agreement_changelist"),
        {"action": action, "_selected_action": [a.pk for a in agreements], **extra},
        follow=True,
    )


def test_staff_mark_pending_versions_as_synced_in_admin(
    client, staff, fabrikam, new_customer, acme_admin
):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )
    active_elsewhere = make_customer(
        fabrikam.partner, acme_admin, "Northwind Traders", {"S1": 682}, 682
    ).agreements.get()
    client.force_login(staff)

    response = _run_action(
        client, "confirm_selected", [upsell, new_customer.agreements.get(), active_elsewhere]
    )

    assert response.status_code == 200
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "2 agreement versions marked as synced (Active): Contoso Pharmaceuticals v1, "
        "Fabrikam Logistics v2.",
        "1 skipped: Northwind Traders v1 (not pending: Active).",
    ]
    assert statuses(fabrikam) == {1: "superseded", 2: "active"}
    new_customer.refresh_from_db()
    assert new_customer.status == Company.Status.COMPLETE
    assert history_for(fabrikam).first().actor == staff


def test_staff_reject_pending_versions_in_admin(client, staff, fabrikam, acme_admin):
    downsell = submit_change(
        fabrikam, acme_admin, {"S1": 200, "C1": 200}, 200, ChangeOrder.Kind.DOWNSELL
    )
    client.force_login(staff)
    selected = [downsell, fabrikam.agreements.get(version=1)]

    form = _run_action(client, "reject_selected", selected)
    assert "Reject agreement versions" in form.content.decode()
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}
    response = _run_action(
        client, "reject_selected", selected, apply="1", reason="Seats below the minimum"
    )

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [
        "1 agreement version rejected: Fabrikam Logistics v2.",
        "1 skipped: Fabrikam Logistics v1 (not pending: Active).",
    ]
    downsell.refresh_from_db()
    assert (downsell.status, downsell.reason) == ("rejected", "Seats below the minimum")


def test_agreement_admin_lists_versions_with_filters(client, staff, fabrikam, new_customer):
    client.force_login(staff)

    response = client.get(
        reverse("admin:companies_agreement_changelist"), {"status__exact": "new_pending"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Contoso Pharmaceuticals" in html
    assert "Fabrikam Logistics" not in html
    assert "Mark as synced (confirm)" in html
    assert "Reject…" in html
