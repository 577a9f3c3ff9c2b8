"""When the MSP's system is down, slow or failing, a delivery is tried again later with
back-off, fails after WEBHOOK_MAX_ATTEMPTS, and Send again gives it another round."""

import datetime
import socket

import pytest
from django.utils import timezone
from django_tasks_db.models import get_date_max

from portal.webhooks.models import WebhookDelivery
from portal.webhooks.services import webhook_emit, webhook_retry
from portal.webhooks.tasks import webhook_deliver

from .conftest import delivery_tasks, make_endpoint


def fresh(delivery: WebhookDelivery) -> WebhookDelivery:
    delivery.refresh_from_db()
    return delivery


def make_due(delivery: WebhookDelivery) -> None:
    """Time passes: the retry the last failure asked for is due."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=past)


@pytest.fixture
def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


def emit(acme) -> WebhookDelivery:
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})
    return delivery


@pytest.mark.parametrize(
    ("mode", "error", "code"),
    [("error", "HTTP 500 Internal Server Error", 500), ("slow", "timed out", None)],
)
def test_a_500_or_a_timeout_is_retried_with_back_off(endpoint, receiver, acme, mode, error, code):
    receiver.mode, receiver.delay = mode, 2.0
    delivery = emit(acme)
    before = timezone.now()

    assert webhook_deliver(delivery_id=delivery.pk) == "queued"

    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("queued", 1, code)
    assert error in delivery.last_error
    wait = delivery.next_attempt_at - before
    assert datetime.timedelta(seconds=45) <= wait <= datetime.timedelta(seconds=76)  # 60 ±25 %
    retry = [t for t in delivery_tasks(delivery) if t.run_after != get_date_max()]
    assert [t.run_after for t in retry] == [delivery.next_attempt_at]


def test_a_refused_connection_is_retried_with_longer_waits(acme, closed_port_url):
    make_endpoint(acme, url=closed_port_url)
    delivery = emit(acme)

    webhook_deliver(delivery_id=delivery.pk)
    first = fresh(delivery).next_attempt_at - timezone.now()
    make_due(delivery)
    webhook_deliver(delivery_id=delivery.pk)
    second = fresh(delivery).next_attempt_at - timezone.now()

    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.status == "queued" and delivery.attempts == 2
    assert second > first * 2  # 4 × base the second time, each ±25 %


def test_a_delivery_fails_after_the_last_attempt(endpoint, receiver, acme, webhook_settings):
    receiver.mode = "error"
    delivery = emit(acme)

    for _ in range(webhook_settings.WEBHOOK_MAX_ATTEMPTS - 1):
        assert webhook_deliver(delivery_id=delivery.pk) == "queued"
        make_due(delivery)
    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 3, None)
    assert len(receiver.received) == 3
    assert webhook_deliver(delivery_id=delivery.pk) == "nothing to deliver"


def test_a_4xx_fails_at_once(endpoint, receiver, acme):
    receiver.mode = "reject"
    delivery = emit(acme)

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    delivery = fresh(delivery)
    assert (delivery.response_code, delivery.attempts) == (400, 1)
    assert "HTTP 400" in delivery.last_error


def test_send_again_gives_a_failed_delivery_another_round(endpoint, receiver, acme):
    receiver.mode = "reject"
    delivery = emit(acme)
    webhook_deliver(delivery_id=delivery.pk)
    receiver.mode = "ok"

    assert webhook_retry(delivery=fresh(delivery)) is True

    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts) == ("queued", 0)
    assert len(delivery_tasks(delivery)) == 2  # the first task, and the new one
    assert webhook_deliver(delivery_id=delivery.pk) == "sent"
    assert webhook_retry(delivery=fresh(delivery)) is False  # sent: nothing to send again


def test_a_delivery_for_an_endpoint_deactivated_since_is_not_sent(endpoint, receiver, acme):
    delivery = emit(acme)
    endpoint.is_active = False
    endpoint.save()

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    assert receiver.received == []
    assert fresh(delivery).last_error == "Not sent: the endpoint is not active."
