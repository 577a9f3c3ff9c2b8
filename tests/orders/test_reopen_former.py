"""A former customer (every product ended at a renewal) is reopened by a new order: its page
offers New order, submitting it makes the customer In Progress again with the next agreement
version, and its first order stays as it was submitted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.companies.models import Agreement, Company
from portal.companies.services import company_set_status
from portal.companies.versions import company_fees_refresh
from portal.core.history import history_for
from portal.orders.models import Order, Question


def end_everything(company: Company, actor) -> Company:
    """What the renewal run does to a customer whose every product ends: its version in effect
    Ended on the term's end, the customer a former customer."""
    ended_on = timezone.localdate()
    company.agreements.filter(status=Agreement.Status.ACTIVE).update(
        status=Agreement.Status.ENDED, effective_until=ended_on
    )
    company_set_status(company=company, status=Company.Status.FORMER, actor=actor)
    company_fees_refresh(company)
    company.refresh_from_db()
    return company


@pytest.fixture
def former(submit, prospect, acme_admin):
    """Contoso: ordered (S1 × 682), provisioned, then every product ended."""
    submit(**{Question.CITRIX: "Yes"})
    agreement_confirm(agreement=prospect.agreements.get(), actor=None)
    prospect.refresh_from_db()
    return end_everything(prospect, acme_admin)


def test_a_former_customers_page_offers_new_order_and_not_change_options(
    client, acme_admin, former
):
    client.force_login(acme_admin)
    page = client.get(reverse("companies:detail", args=[former.pk])).content.decode()
    assert "Former customer" in page
    assert f'href="{reverse("orders:review", args=[former.pk])}">New order</a>' in page
    assert "Change Options" not in page


def test_the_new_order_form_starts_from_the_last_order_submitted(client, acme_admin, former):
    client.force_login(acme_admin)
    response = client.get(reverse("orders:review", args=[former.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"New order for {former.name}" in page
    assert "Save and Exit" in page and "Save Prospect and Exit" not in page
    # The infrastructure answers of the order that made it a customer the first time.
    assert '<option value="Yes" selected>Yes</option>' in page


def test_submitting_reopens_the_former_customer_with_the_next_version(submit, former, acme_admin):
    first_order = Order.objects.get(company=former)
    response = submit(permitted_users="100")

    assert "is now a customer in progress again" in response.content.decode()
    former.refresh_from_db()
    assert former.status == Company.Status.IN_PROGRESS
    versions = dict(former.agreements.values_list("version", "status"))
    assert versions == {1: Agreement.Status.ENDED, 2: Agreement.Status.NEW_ORDER_PENDING}
    orders = list(Order.objects.filter(company=former).order_by("id"))
    assert [(o.pk, o.status, o.agreement.version) for o in orders] == [
        (first_order.pk, Order.Status.SUBMITTED, 1),
        (orders[1].pk, Order.Status.SUBMITTED, 2),
    ]
    assert former.permitted_users == 100
    entries = [entry.changes for entry in history_for(former)]
    assert {"status": ["Former customer", "Customer (In Progress)"]} in entries


def test_a_saved_new_order_is_the_one_submitted(submit, client, former):
    submit(submit=None, save="1", order_number="PO-2")
    [draft] = Order.objects.filter(company=former, status=Order.Status.DRAFT)
    page = client.get(reverse("orders:review", args=[former.pk])).content.decode()
    assert "Saved order, last saved by" in page and 'value="PO-2"' in page

    submit(order_number="PO-3")

    draft.refresh_from_db()
    assert draft.status == Order.Status.SUBMITTED and draft.order_number == "PO-3"
    assert Order.objects.filter(company=former).count() == 2


def test_the_same_form_submitted_twice_makes_one_order(submit, former):
    from tests.orders.conftest import complete_order

    key = complete_order()["idempotency_key"]
    submit(idempotency_key=key)
    response = submit(idempotency_key=key)

    assert "already been submitted; nothing was doubled" in response.content.decode()
    assert former.agreements.count() == 2
    assert Order.objects.filter(company=former).count() == 2


def test_the_vendor_confirming_makes_it_complete_and_billing_starts_again(
    submit, former, acme_admin
):
    former.next_billing_date = datetime.date(2020, 1, 1)  # from its first time
    former.save(update_fields=["next_billing_date"])
    submit()
    new = former.agreements.get(version=2)

    agreement_confirm(agreement=new, actor=None)

    former.refresh_from_db()
    assert former.status == Company.Status.COMPLETE
    assert former.agreements.get(version=1).status == Agreement.Status.ENDED
    assert former.agreements.get(version=2).status == Agreement.Status.ACTIVE
    assert former.next_billing_date > timezone.localdate()
    assert former.renews_on is not None and former.fee_products == " S1 "


def test_the_vendor_rejecting_makes_it_a_former_customer_again(submit, former):
    submit()
    agreement_reject(agreement=former.agreements.get(version=2), actor=None, reason="No stock")

    former.refresh_from_db()
    assert former.status == Company.Status.FORMER
    assert Order.objects.get(company=former, agreement__version=2).status == Order.Status.DRAFT


def test_a_complete_customer_is_not_ordered_for_again(client, acme_admin, submit, prospect):
    submit()
    agreement_confirm(agreement=prospect.agreements.get(), actor=None)
    response = client.get(reverse("orders:review", args=[prospect.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("companies:detail", args=[prospect.pk])
    assert "is a customer already" in response.content.decode() or "was submitted by" in (
        response.content.decode()
    )


def test_another_msps_user_cannot_reopen_it(client, outsider, former):
    client.force_login(outsider)
    assert client.get(reverse("orders:review", args=[former.pk])).status_code == 404
    from tests.orders.conftest import complete_order

    assert client.post(reverse("orders:review", args=[former.pk]), complete_order()).status_code
    assert Company.objects.get(pk=former.pk).status == Company.Status.FORMER
