"""A delivery is a JSON POST signed with the endpoint's own secret, which the receiver checks
with ``portal.core.signing.verify``; the delivery id travels as a header and in the body."""

import json

import pytest
from django.utils.datastructures import CaseInsensitiveMapping

from portal.core.signing import BadSignature, verify
from portal.webhooks.models import WebhookDelivery
from portal.webhooks.services import endpoint_regenerate_secret, webhook_emit
from portal.webhooks.tasks import webhook_deliver

from .conftest import make_endpoint


def test_a_delivery_is_signed_with_the_endpoints_secret_and_names_its_event_and_id(
    endpoint, receiver, acme
):
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={"order": {"id": 7}})

    assert webhook_deliver(delivery_id=delivery.pk) == "sent"

    (got,) = receiver.received
    headers = CaseInsensitiveMapping(got["headers"])
    assert verify(endpoint.secret, headers, got["body"], max_age=60)
    assert headers["X-Portal-Event"] == "order.submitted"
    assert headers["X-Portal-Delivery"] == str(delivery.key)
    assert headers["Content-Type"] == "application/json"
    body = json.loads(got["body"])
    assert body == delivery.payload
    assert body["id"] == str(delivery.key)
    assert body["data"] == {"order": {"id": 7}}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("sent", 200, 1)
    assert delivery.delivered_at is not None


def test_another_endpoints_secret_does_not_verify_it(endpoint, receiver, acme):
    other = make_endpoint(acme, url="https://other.example/", is_active=False)
    (delivery,) = webhook_emit(partner=acme, event="rfi.submitted", data={})

    webhook_deliver(delivery_id=delivery.pk)

    (got,) = receiver.received
    with pytest.raises(BadSignature, match="does not match"):
        verify(other.secret, CaseInsensitiveMapping(got["headers"]), got["body"], max_age=60)


def test_a_regenerated_secret_signs_from_then_on(endpoint, receiver, acme, acme_admin):
    old = endpoint.secret
    (delivery,) = webhook_emit(partner=acme, event="order.synced", data={})

    endpoint = endpoint_regenerate_secret(endpoint=endpoint, actor=acme_admin)
    webhook_deliver(delivery_id=delivery.pk)

    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    headers = CaseInsensitiveMapping(receiver.received[0]["headers"])
    assert verify(endpoint.secret, headers, receiver.received[0]["body"], max_age=60)
    with pytest.raises(BadSignature):
        verify(old, headers, receiver.received[0]["body"], max_age=60)


def test_a_delivery_is_sent_once_however_often_its_task_runs(endpoint, receiver, acme):
    (delivery,) = webhook_emit(partner=acme, event="order.synced", data={})

    webhook_deliver(delivery_id=delivery.pk)
    assert webhook_deliver(delivery_id=delivery.pk) == "nothing to deliver"

    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get(pk=delivery.pk).attempts == 1
