"""Send test goes through the same outbox as every event: the real task worker delivers it,
signed, and the log shows it sent; a stranded one is picked up by outbox_recover."""

import datetime
import json

from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping

from portal.core.outbox import KINDS as RECOVERABLE
from portal.core.outbox import recover_all
from portal.core.signing import verify
from portal.webhooks.models import WebhookDelivery
from portal.webhooks.services import webhook_send_test


def test_send_test_is_delivered_by_the_worker_and_shown_sent(
    client, acme_admin, endpoint, receiver, run_worker
):
    client.force_login(acme_admin)
    client.post(reverse("webhooks:send_test", args=[endpoint.pk]))

    run_worker()

    (got,) = receiver.received
    headers = CaseInsensitiveMapping(got["headers"])
    assert verify(endpoint.secret, headers, got["body"], max_age=60)
    body = json.loads(got["body"])
    assert (body["event"], headers["X-Portal-Event"]) == ("test", "test")
    assert body["partner_id"] == endpoint.partner_id
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk])).content.decode()
    assert 'badge-webhook-sent">Sent' in page
    assert "<td>200</td>" in page


def test_a_stranded_delivery_is_handed_to_a_new_task(endpoint, receiver, acme_admin, run_worker):
    assert WebhookDelivery in RECOVERABLE
    delivery = webhook_send_test(endpoint=endpoint, actor=acme_admin)
    run_worker()
    # As if its worker had died mid-delivery: queued, the claim run out.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="queued", claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert recover_all(after=datetime.timedelta(seconds=60))["webhook deliveries"] == 1
    run_worker()

    assert len(receiver.received) == 2  # at least once: the receiver drops the repeated id
    assert {json.loads(r["body"])["id"] for r in receiver.received} == {str(delivery.key)}
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "sent"


def test_a_second_send_test_waits_for_the_first_to_be_delivered(
    client, acme_admin, endpoint, receiver, run_worker
):
    client.force_login(acme_admin)
    url = reverse("webhooks:send_test", args=[endpoint.pk])

    client.post(url)
    refused = client.post(url, follow=True).content.decode()
    assert "A test is still on its way to this endpoint" in refused
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1

    run_worker()
    client.post(url)
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2


def test_a_test_that_failed_its_first_try_does_not_block_a_new_one(client, acme_admin, endpoint):
    client.force_login(acme_admin)
    url = reverse("webhooks:send_test", args=[endpoint.pk])
    client.post(url)
    # Its first try failed; it waits for its retry, queued.
    WebhookDelivery.objects.filter(endpoint=endpoint).update(attempts=1)

    client.post(url)

    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 2
