"""Webhooks' outbox: deliveries, one kind of ``portal.core.outbox`` row, each delivered by
``deliver_webhook`` (see ``delivery``)."""

from django_tasks import task

from portal.core.outbox import Kind, register

from .delivery import post
from .models import WebhookDelivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    return DELIVERIES.deliver(delivery_id)


DELIVERIES = register(Kind(WebhookDelivery, deliver_webhook, post, "WEBHOOK", "webhook"))


def webhook_deliver(*, delivery_id: int) -> str:
    """One try of the delivery, as its task makes it."""
    return DELIVERIES.deliver(delivery_id)
