"""A delivery is written in the transaction of the change it reports: rolled back with it."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portal.webhooks.models import WebhookDelivery
from tests.fixtures.sync import submit_order

from .conftest import DELIVER_TASK, make_endpoint


def test_an_order_rolled_back_leaves_no_delivery_and_no_task(
    prospect, acme, acme_admin, sync_settings
):
    make_endpoint(acme)

    with pytest.raises(RuntimeError), transaction.atomic():
        submit_order(prospect, acme_admin)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("something after the submit failed")

    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.filter(task_path=DELIVER_TASK).exists()


def test_an_unknown_event_is_refused(acme):
    from portal.webhooks.services import webhook_emit

    with pytest.raises(ValueError, match="Not a webhook event"):
        webhook_emit(partner=acme, event="order.shipped", data={})
