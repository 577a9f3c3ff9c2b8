"""Webhook endpoints of Acme (and one of Globex), a local receiver, and the events that make
deliveries: a submitted order, its vendor answer, a change order, an RFI."""

import pytest
from django_tasks_db.models import DBTaskResult

from portal.webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint
from tests.sync.vendor_server import VendorServer

DELIVER_TASK = "portal.webhooks.tasks.deliver_webhook"
ALL_EVENTS = [event.value for event in SUBSCRIBABLE]


@pytest.fixture(autouse=True)
def _infrastructure(infrastructure_choices):
    pass


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    """Short timeouts; the local receiver is on 127.0.0.1, which production refuses."""
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    return settings


@pytest.fixture
def receiver():
    """The MSP's system: answers 200 unless the test sets ``receiver.mode`` (see
    ``VendorServer``)."""
    with VendorServer() as server:
        yield server


def make_endpoint(partner, *, events=ALL_EVENTS, url="https://hooks.example/portal", **fields):
    return WebhookEndpoint.objects.create(partner=partner, url=url, events=list(events), **fields)


@pytest.fixture
def endpoint(acme, receiver):
    """Acme's endpoint for every event, at the local receiver."""
    return make_endpoint(acme, url=receiver.url)


def deliveries(event=None) -> list[WebhookDelivery]:
    rows = WebhookDelivery.objects.select_related("endpoint").order_by("pk")
    return list(rows.filter(event=event) if event else rows)


def delivery_tasks(delivery: WebhookDelivery) -> list[DBTaskResult]:
    """The deliver_webhook tasks queued for ``delivery``, oldest first."""
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=DELIVER_TASK).order_by("enqueued_at")
        if task.args_kwargs["kwargs"] == {"delivery_id": delivery.pk}
    ]
