"""Change orders and downsell cancellations go to the vendor too; the vendor's answer decides
what the customer has and when Change Options opens again."""

import datetime

from django.urls import reverse

from portal.companies.lifecycle import change_options_state
from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.sync.models import ProvisioningRequest
from tests.fixtures.clock import made_on

from .test_callback import confirmation, post

_clock = made_on(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))


def versions(company) -> dict[int, str]:
    return dict(company.agreements.values_list("version", "status"))


def test_a_change_order_writes_its_request_with_the_version_it_replaces(submit_change, northwind):
    request = submit_change(northwind, "700")

    assert request.action == ProvisioningRequest.Action.CHANGE
    payload = request.payload
    assert payload["replaces_version"] == 1
    assert payload["kind"] == "upsell"
    assert payload["agreement"]["version"] == 2
    assert payload["agreement"]["status"] == "Upsell Pending Order"
    line = payload["agreement"]["lines"][0]
    assert line | {"term_start": None, "term_end": None} == {
        "product": "S1",
        "name": "Email Security Cloud Gateway",
        "term": "monthly",
        "charge": "per_seat",
        "quantity": 700,
        "unit_price": "2.9500",
        "payment": "2065.00",
        # S1 runs on in the monthly term it had (its dates: tests/sync/test_requests_terms.py).
        "commitment": "monthly",
        "billing": "monthly",
        "auto_renew": True,
        "term_start": None,
        "term_end": None,
    }
    assert payload["order_number"] == "PO-77"


def test_change_options_reopens_once_the_change_is_synced(
    client, submit_change, northwind, acme_admin
):
    request = submit_change(northwind, "700")
    assert not change_options_state(northwind).enabled

    response = post(client, confirmation(request))

    assert response.status_code == 200
    assert versions(northwind) == {1: "superseded", 2: "active"}
    assert change_options_state(northwind).enabled
    mail = OutgoingMessage.objects.get(template="provisioning_synced")
    assert mail.to == [acme_admin.email]
    page = client.get(reverse("companies:detail", args=[northwind.pk])).content.decode()
    assert "Change Options" in page and "waiting to sync" not in page


def test_a_rejected_change_keeps_what_the_customer_had(client, submit_change, fabrikam):
    request = submit_change(fabrikam, "400")

    post(client, confirmation(request, "rejected", reason="Seat limit of the contract"))

    assert versions(fabrikam) == {1: "active", 2: "rejected"}
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 350
    assert change_options_state(fabrikam).enabled
    mail = OutgoingMessage.objects.get(template="provisioning_rejected")
    assert "Seat limit of the contract" in mail.text_body
    assert "keeps the agreement it had" in mail.text_body


def test_a_synced_downsell_is_scheduled_until_its_billing_date(client, submit_change, fabrikam):
    request = submit_change(fabrikam, "200")

    post(client, confirmation(request))

    assert versions(fabrikam) == {1: "active", 2: "scheduled"}
    page = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()
    assert "Scheduled" in page
    assert "2030-01-01" in page
    # The next change waits until the downsell is in effect.
    assert change_options_state(fabrikam).opens_again == "on 2030-01-01"
    mail = OutgoingMessage.objects.get(template="provisioning_synced")
    assert "is Scheduled from 1 January 2030, the next billing date" in mail.text_body
    assert "In effect now: version 1 (350 seats), until 1 January 2030." in mail.text_body


def test_cancelling_a_downsell_tells_the_vendor(client, submit_change, fabrikam):
    downsell = submit_change(fabrikam, "200")

    client.post(reverse("companies:downsell_cancel", args=[fabrikam.pk, downsell.agreement_id]))

    cancel = ProvisioningRequest.objects.get(action=ProvisioningRequest.Action.CANCEL)
    assert cancel.agreement_id == downsell.agreement_id
    assert cancel.payload["cancels_request_id"] == str(downsell.key)
    assert cancel.payload["agreement"]["status"] == "Cancelled"
    assert versions(fabrikam) == {1: "active", 2: "cancelled"}

    # The vendor's late confirmation of the downsell itself changes nothing any more.
    post(client, confirmation(downsell))
    assert versions(fabrikam) == {1: "active", 2: "cancelled"}
    assert not OutgoingMessage.objects.filter(template="provisioning_synced").exists()

    post(client, confirmation(cancel))
    cancel.refresh_from_db()
    assert cancel.status == "synced"
    assert "confirmed the cancellation of downsell version 2" in history_for(fabrikam)[0].summary


def test_a_cancellation_the_vendor_refuses_is_reported_to_the_msp(
    client, submit_change, fabrikam, acme_admin
):
    downsell = submit_change(fabrikam, "200")
    client.post(reverse("companies:downsell_cancel", args=[fabrikam.pk, downsell.agreement_id]))
    cancel = ProvisioningRequest.objects.get(action=ProvisioningRequest.Action.CANCEL)

    post(client, confirmation(cancel, "rejected", reason="Already billed"))

    mail = OutgoingMessage.objects.get(template="provisioning_rejected")
    assert mail.to == [acme_admin.email]
    assert "could not cancel the downsell" in mail.text_body
    assert "Already billed" in mail.text_body
    assert "could not cancel downsell version 2" in history_for(fabrikam)[0].summary


def test_the_agreement_status_does_not_move_for_another_company(
    client, submit_change, northwind, fabrikam
):
    ours = submit_change(northwind, "700")
    theirs = submit_change(fabrikam, "400")

    post(client, confirmation(ours))

    assert versions(fabrikam)[2] == Agreement.Status.UPSELL_PENDING
    theirs.refresh_from_db()
    assert theirs.status == "queued"
    # Still the seats in effect: 400 only once the vendor provisions them.
    assert Company.objects.get(pk=fabrikam.pk).permitted_users == 350


def test_the_customer_page_watches_a_pending_version_until_the_vendor_answers(
    client, submit_change, northwind, outsider
):
    request = submit_change(northwind, "700")
    url = reverse("companies:sync", args=[northwind.pk, request.agreement_id])
    page = client.get(reverse("companies:detail", args=[northwind.pk])).content.decode()
    assert url in page and "waiting for the vendor to confirm it" in page

    assert client.get(url).status_code == 204
    post(client, confirmation(request))
    answered = client.get(url)
    assert (answered.status_code, answered["HX-Refresh"]) == (200, "true")

    client.force_login(outsider)
    assert client.get(url).status_code == 404
