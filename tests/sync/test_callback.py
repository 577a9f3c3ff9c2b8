"""The vendor's signed callback: what it accepts, what it refuses, and that nothing changes
twice or for the wrong partner."""

import json
import time

import pytest
from django.urls import reverse

from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.core.signing import signed_headers
from portal.orders.selectors import order_of
from portal.sync.models import ProvisioningCallback, ProvisioningRequest, RefusedCallbacks
from tests.fixtures.factories import make_company, set_prices
from tests.fixtures.sync import SECRET, submit_order

URL = "/sync/callback/"


def post(client, payload, *, secret=SECRET, now=None, raw=None, headers=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    signed = signed_headers(secret, body, now=now)
    return client.post(
        URL,
        body,
        content_type="application/json",
        headers={**signed, **(headers or {})},
    )


def confirmation(request, status="synced", **extra):
    return {
        "request_id": str(request.key),
        "partner_id": request.partner_id,
        "status": status,
        **extra,
    }


def state(request):
    request.refresh_from_db()
    company = Company.objects.get(pk=request.company_id)
    agreement = Agreement.objects.get(pk=request.agreement_id)
    return request.status, agreement.status, company.status


QUEUED_STATE = ("queued", "new_pending", "in_progress")


def test_the_url_is_the_one_given_to_the_vendor(order_request):
    assert reverse("sync:callback") == URL
    assert order_request.payload["callback_url"].endswith(URL)


def test_a_signed_confirmation_makes_the_order_active_and_the_customer_complete(
    client, order_request, rfi_answered, acme_admin
):
    response = post(client, confirmation(order_request))

    assert response.status_code == 200
    assert response.json()["result"] == "applied"
    assert state(order_request) == ("synced", "active", "complete")
    company = Company.objects.get(pk=order_request.company_id)
    assert company.next_billing_date is not None
    summaries = [entry.summary for entry in history_for(company)[:3]]
    assert "Agreement version 1 synced with the vendor: New Order Pending → Active" in summaries
    mail = OutgoingMessage.objects.get(template="provisioning_synced")
    assert mail.to == [acme_admin.email]
    assert "agreement version 1 is Active" in mail.subject
    assert "Customers | Complete" in mail.text_body
    assert ProvisioningCallback.objects.get().http_status == 200


def test_a_repeated_confirmation_changes_nothing_twice(client, order_request, rfi_answered):
    first = post(client, confirmation(order_request))
    time.sleep(1.01)  # another timestamp: a new signature, not a byte-for-byte replay
    second = post(client, confirmation(order_request))

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["result"] == "unchanged"
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1
    company = Company.objects.get(pk=order_request.company_id)
    synced = [e for e in history_for(company) if "synced with the vendor" in e.summary]
    assert len(synced) == 1


def test_a_replayed_callback_is_answered_without_a_second_effect(
    client, order_request, rfi_answered
):
    body = json.dumps(confirmation(order_request)).encode()
    headers = signed_headers(SECRET, body)

    answers = [
        client.post(URL, body, content_type="application/json", headers=headers) for _ in range(2)
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].json()["result"] == "repeated"
    assert ProvisioningCallback.objects.count() == 1
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1


def test_a_rejection_after_the_sync_is_a_conflict(client, order_request, rfi_answered):
    post(client, confirmation(order_request))

    response = post(client, confirmation(order_request, "rejected", reason="Too late"))

    assert response.status_code == 409
    assert state(order_request) == ("synced", "active", "complete")


@pytest.mark.parametrize(
    ("case", "status", "reason"),
    [
        ("forged", 401, "mismatch"),
        ("stale", 401, "expired"),
        ("future", 401, "expired"),
        ("unsigned", 401, "unsigned"),
    ],
)
def test_a_forged_stale_or_unsigned_callback_is_refused_and_changes_nothing(
    client, order_request, case, status, reason
):
    payload = confirmation(order_request)
    if case == "forged":
        response = post(client, payload, secret="guessed")
    elif case == "stale":
        response = post(client, payload, now=time.time() - 301)
    elif case == "future":
        response = post(client, payload, now=time.time() + 310)  # past the 300 s after truncation
    else:
        response = client.post(URL, payload, content_type="application/json")

    assert response.status_code == status
    assert "error" in response.json()
    assert state(order_request) == QUEUED_STATE
    assert not OutgoingMessage.objects.filter(template__startswith="provisioning").exists()
    # Not stored one by one (anyone can post them): counted under its reason.
    assert not ProvisioningCallback.objects.exists()
    counted = RefusedCallbacks.objects.get()
    assert (counted.reason, counted.count) == (reason, 1)
    assert counted.last_error == response.json()["error"]
    assert counted.last_remote_addr == "127.0.0.1"


def test_a_body_altered_after_signing_is_refused(client, order_request):
    body = json.dumps(confirmation(order_request, "rejected", reason="x")).encode()
    headers = signed_headers(SECRET, body)
    altered = body.replace(b"rejected", b"synced  ").replace(b'"x"', b'""')

    response = client.post(URL, altered, content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert state(order_request) == QUEUED_STATE


def test_a_stale_replay_of_a_good_callback_is_refused(client, order_request):
    payload = confirmation(order_request)
    then = time.time() - 400
    response = post(client, payload, now=then)

    assert response.status_code == 401
    assert "replay" in response.json()["error"]
    assert state(order_request) == QUEUED_STATE


def test_the_callback_for_another_partners_order_cannot_touch_it(
    client, order_request, globex, outsider
):
    # Globex (another MSP) names Acme's request as its own: unknown for Globex.
    response = post(client, {**confirmation(order_request), "partner_id": globex.pk})

    assert response.status_code == 404
    assert state(order_request) == QUEUED_STATE


def test_an_unknown_request_is_answered_404(client, order_request):
    payload = {**confirmation(order_request), "request_id": "00000000-0000-4000-8000-000000000000"}

    response = post(client, payload)

    assert response.status_code == 404
    assert state(order_request) == QUEUED_STATE


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", None),
        (b"[1, 2]", None),
        (b'{"partner_id": 1, "status": "synced"}', "request_id"),
        (b'{"request_id": "nope", "partner_id": 1, "status": "synced"}', "request_id"),
        (b'{"request_id": "00000000-0000-4000-8000-000000000000", "status": "ok"}', "status"),
    ],
)
def test_a_malformed_body_is_refused_with_the_field_named(client, order_request, raw, field):
    response = post(client, None, raw=raw)

    assert response.status_code == 400
    if field:
        assert field in response.json()["fields"]
    assert state(order_request) == QUEUED_STATE


def test_a_rejection_needs_its_reason(client, order_request):
    response = post(client, confirmation(order_request, "rejected"))

    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    assert state(order_request) == QUEUED_STATE


def test_only_post_is_accepted(client):
    assert client.get(URL).status_code == 405


def test_a_rejected_new_order_is_a_prospect_again_with_its_order_saved(
    client, order_request, acme_admin
):
    response = post(client, confirmation(order_request, "rejected", reason="No signed MSA on file"))

    assert response.status_code == 200
    assert state(order_request) == ("rejected", "rejected", "prospect")
    company = Company.objects.get(pk=order_request.company_id)
    assert order_of(company).status == "draft"
    mail = OutgoingMessage.objects.get(template="provisioning_rejected")
    assert mail.to == [acme_admin.email]
    assert "No signed MSA on file" in mail.text_body
    assert "prospect again" in mail.text_body
    agreement = Agreement.objects.get(pk=order_request.agreement_id)
    assert agreement.reason == "No signed MSA on file"


def test_a_rejected_order_can_be_corrected_and_submitted_again(
    client, order_request, rfi_answered, acme_admin
):
    post(client, confirmation(order_request, "rejected", reason="Wrong seats"))
    company = Company.objects.get(pk=order_request.company_id)
    rfi_answered.refresh_from_db()
    assert rfi_answered.status == "rejected"  # settled with its order: not delivered again

    again = submit_order(company, acme_admin, seats=700)

    assert again.pk != order_request.pk
    assert again.payload["agreement"]["version"] == 2
    assert again.payload["agreement"]["total_users"] == 700
    company.refresh_from_db()
    assert company.status == "in_progress"
    # The answers given before go to the vendor with the order submitted again.
    answers = ProvisioningRequest.objects.get(agreement_id=again.agreement_id, action="rfi")
    assert answers.payload["rfi"]["answers"]["contact_name"] == "Tom Tech"
    assert answers.payload["rfi"]["order_request_id"] == str(again.key)
    response = post(client, confirmation(again))
    assert response.status_code == 200
    assert state(again) == ("synced", "active", "complete")


def test_another_partners_order_of_the_same_shape_is_untouched(
    client, order_request, rfi_answered, globex, outsider, catalog
):
    other = make_company(
        globex, "Initech", implementation_lead=outsider, permitted_users=10, domain="initech.test"
    )
    other.products.create(product=catalog["S1"])
    set_prices(globex, catalog["S1"], [(1, "3.40")])
    theirs = submit_order(other, outsider, seats=10)

    post(client, confirmation(order_request))

    assert state(theirs) == ("queued", "new_pending", "in_progress")
    synced = ProvisioningRequest.objects.filter(status="synced")
    assert synced.get(action="order") == order_request
    assert synced.get(action="rfi") == rfi_answered


def test_the_order_form_says_why_the_vendor_rejected_the_order(client, order_request, acme_admin):
    post(client, confirmation(order_request, "rejected", reason="No signed MSA on file"))
    client.force_login(acme_admin)

    page = client.get(reverse("orders:review", args=[order_request.company_id]))

    assert page.status_code == 200
    assert "The vendor rejected the order submitted on" in page.content.decode()
    assert "No signed MSA on file" in page.content.decode()
