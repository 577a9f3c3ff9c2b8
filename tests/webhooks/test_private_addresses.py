"""An MSP may not point webhooks at the portal's own network: unless
WEBHOOK_ALLOW_PRIVATE_ADDRESSES, a URL on a private or local address fails at once, unsent."""

from portal.webhooks.delivery import webhook_deliver
from portal.webhooks.services import webhook_emit


def test_a_local_address_is_refused_without_a_request(endpoint, receiver, acme, webhook_settings):
    webhook_settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})

    assert webhook_deliver(delivery_id=delivery.pk) == "failed"

    assert receiver.received == []
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert "127.0.0.1 is a private or local address" in delivery.last_error
