"""Junk posted to the callback URL without a valid signature is counted, not stored: what
vendor staff need to spot a wrong secret, without a table anyone can fill."""

import json
import logging
import time

from django.urls import reverse

from portal.core.signing import signed_headers
from portal.sync.models import ProvisioningCallback, RefusedCallbacks
from tests.fixtures.sync import SECRET

URL = "/sync/callback/"


def test_a_thousand_unsigned_posts_add_no_rows(client, order_request, caplog):
    callbacks_before = ProvisioningCallback.objects.count()
    caplog.set_level(logging.WARNING, logger="portal.sync.callbacks")

    answers = {
        client.post(URL, {"junk": n}, content_type="application/json").status_code
        for n in range(1000)
    }

    assert answers == {401}
    assert ProvisioningCallback.objects.count() == callbacks_before
    counted = RefusedCallbacks.objects.get()
    assert (counted.reason, counted.count) == ("unsigned", 1000)
    assert counted.first_at <= counted.last_at
    mine = [r for r in caplog.records if r.name == "portal.sync.callbacks"]
    assert len(mine) == 1000  # each one in the log with its reason, for the operator


def test_each_reason_is_one_row_however_many_arrive(client, order_request):
    body = json.dumps({"request_id": str(order_request.key)}).encode()
    for _ in range(50):
        client.post(URL, body, content_type="application/json")
        client.post(URL, body, content_type="application/json", headers=signed_headers("x", body))
        client.post(
            URL,
            body,
            content_type="application/json",
            headers=signed_headers(SECRET, body, now=time.time() - 3600),
        )

    counts = dict(RefusedCallbacks.objects.values_list("reason", "count"))
    assert counts == {"unsigned": 50, "mismatch": 50, "expired": 50}
    assert not ProvisioningCallback.objects.exists()


def test_a_wrong_secret_shows_in_the_console_with_its_latest_address_and_error(
    client, order_request, staff
):
    body = json.dumps({"request_id": str(order_request.key)}).encode()
    for _ in range(3):
        client.post(
            URL,
            body,
            content_type="application/json",
            headers=signed_headers("an-old-secret", body),
            REMOTE_ADDR="203.0.113.9",
        )
    client.force_login(staff)

    page = client.get(reverse("admin:sync_refusedcallbacks_changelist")).content.decode()

    assert "Signature does not match (a wrong secret?)" in page
    assert "203.0.113.9" in page
    assert "The signature does not match the body." in page
    assert ">3<" in page


def test_a_signed_callback_is_still_stored_one_by_one(client, order_request):
    body = json.dumps({"request_id": "nope"}).encode()  # signed but malformed: the vendor's
    client.post(URL, body, content_type="application/json", headers=signed_headers(SECRET, body))

    assert ProvisioningCallback.objects.get().http_status == 400
    assert not RefusedCallbacks.objects.exists()
