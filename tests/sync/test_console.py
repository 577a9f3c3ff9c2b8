"""The vendor console: provisioning requests with their state, and the staff's actions on
them, which go through the same ``settle`` as a callback."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.companies.models import Company
from portal.core.models import OutgoingMessage
from portal.sync.models import ProvisioningCallback, ProvisioningRequest
from tests.fixtures.sync import answer_rfi

CHANGELIST = "admin:sync_provisioningrequest_changelist"


def run_action(client, action, requests, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in requests], **extra},
        follow=True,
    )


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def failed_request(order_request):
    ProvisioningRequest.objects.filter(pk=order_request.pk).update(
        status="failed", attempts=3, last_error="HTTP 500 Internal Server Error"
    )
    order_request.refresh_from_db()
    return order_request


def test_staff_see_requests_with_status_attempts_and_the_last_error(client, staff, failed_request):
    client.force_login(staff)

    listing = client.get(reverse(CHANGELIST), {"status__exact": "failed"}).content.decode()
    detail = client.get(
        reverse("admin:sync_provisioningrequest_change", args=[failed_request.pk])
    ).content.decode()

    assert "Contoso Pharmaceuticals" in listing
    assert "HTTP 500 Internal Server Error" in listing
    assert "Failed" in listing
    assert str(failed_request.key) in detail  # the payload as delivered
    assert "&quot;request_id&quot;" in detail


def test_staff_deliver_a_failed_request_again(client, staff, failed_request):
    client.force_login(staff)

    response = run_action(client, "retry", [failed_request])

    assert said(response) == ["1 queued for delivery again: Contoso Pharmaceuticals (New order)."]
    failed_request.refresh_from_db()
    assert (failed_request.status, failed_request.attempts) == ("queued", 0)


def test_staff_confirm_a_request_like_the_vendor_would(client, staff, order_request):
    client.force_login(staff)

    # The new order waits for its Request for Information, and the console says so.
    early = run_action(client, "confirm_selected", [order_request])
    assert said(early) == [
        "1 skipped: Contoso Pharmaceuticals (New order): The order of Contoso Pharmaceuticals "
        "waits for its Request for Information, not answered yet: confirm the order once the "
        "answers have been sent to the vendor."
    ]
    assert Company.objects.get(pk=order_request.company_id).status == "in_progress"
    ProvisioningCallback.objects.all().delete()  # the refused try is logged; not the point here
    answer_rfi(order_request.company)

    response = run_action(client, "confirm_selected", [order_request])

    assert said(response) == ["1 confirmed: Contoso Pharmaceuticals (New order)."]
    order_request.refresh_from_db()
    assert (order_request.status, order_request.settled_by) == ("synced", staff)
    assert Company.objects.get(pk=order_request.company_id).status == "complete"
    logged = ProvisioningCallback.objects.get()
    assert (logged.source, logged.actor) == ("staff", staff)
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1

    again = run_action(client, "confirm_selected", [order_request])
    assert said(again) == [
        "1 skipped: Contoso Pharmaceuticals (New order): Already synced: nothing changed."
    ]
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1


def test_staff_reject_with_a_reason(client, staff, order_request):
    client.force_login(staff)

    form = run_action(client, "reject_selected", [order_request])
    assert "Reject provisioning requests" in form.content.decode()
    order_request.refresh_from_db()
    assert order_request.status == "queued"  # nothing happens before the reason is given

    empty = run_action(client, "reject_selected", [order_request], apply="1", reason="")
    assert "This field is required" in empty.content.decode()

    response = run_action(
        client, "reject_selected", [order_request], apply="1", reason="Domain not verified"
    )

    assert said(response) == ["1 rejected: Contoso Pharmaceuticals (New order)."]
    order_request.refresh_from_db()
    assert (order_request.status, order_request.reason) == ("rejected", "Domain not verified")
    assert Company.objects.get(pk=order_request.company_id).status == "prospect"


def test_msp_users_cannot_open_the_console(client, acme_admin, order_request):
    client.force_login(acme_admin)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_console_front_page_counts_what_needs_a_look(client, staff, failed_request):
    client.force_login(staff)

    page = client.get(reverse("admin:index")).content.decode()

    assert "Needs a look" in page
    failed = page.index("Provisioning requests failed")
    assert "<strong>1</strong>" in page[failed : failed + 200]
    assert "?status__exact=failed" in page
    assert "Site administration" in page or "Vendor console" in page  # the usual index too
