"""Business events: one list of names, which are also the webhook events; each event reaches
the subscribers registered where they live."""

import pytest

from portal.core import events
from portal.webhooks.models import SUBSCRIBABLE


def test_every_webhook_event_is_a_business_event_name():
    assert {str(event) for event in SUBSCRIBABLE} <= set(events.NAMES)


def test_an_unknown_name_cannot_be_subscribed_or_published():
    with pytest.raises(ValueError, match="Not a business event"):
        events.subscribe("order.synched")
    with pytest.raises(ValueError, match="Not a business event"):
        events.publish(events.Happened("order.synched", partner=None))


def test_the_edges_subscribe_to_what_a_submit_implies():
    names = {
        name: {f"{s.__module__}.{s.__name__}" for s in events._subscribers[name]}
        for name in (events.ORDER_SUBMITTED, events.CHANGE_SUBMITTED, events.DOWNSELL_CANCELLED)
    }
    for subscribers in names.values():
        assert "portal.sync.subscribers.provisioning_requested" in subscribers
        assert "portal.webhooks.subscribers.agreement_event" in subscribers
    rejected = {s.__module__ for s in events._subscribers[events.ORDER_REJECTED]}
    assert {"portal.orders.subscribers", "portal.webhooks.subscribers"} <= rejected
