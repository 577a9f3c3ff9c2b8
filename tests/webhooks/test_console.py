"""Vendor staff see every webhook delivery in the console and can send failed ones again; the
endpoints are read-only there, and their secrets are the MSPs' own, not shown."""

from django.urls import reverse

from portal.webhooks.models import WebhookDelivery
from portal.webhooks.services import webhook_emit

from .conftest import make_endpoint


def test_staff_see_deliveries_and_send_a_failed_one_again(client, staff, acme):
    endpoint = make_endpoint(acme)
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={"order": {"id": 3}})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status="failed", attempts=6, last_error="HTTP 503 Service Unavailable"
    )
    client.force_login(staff)

    listing = client.get(reverse("admin:webhooks_webhookdelivery_changelist")).content.decode()
    detail = client.get(
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])
    ).content.decode()
    response = client.post(
        reverse("admin:webhooks_webhookdelivery_changelist"),
        {"action": "retry", "_selected_action": [delivery.pk]},
        follow=True,
    )

    assert "Acme IT Services" in listing and "HTTP 503 Service Unavailable" in listing
    assert str(delivery.key) in detail and "&quot;order.submitted&quot;" in detail
    assert "1 queued for delivery again" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 0)
    endpoint_page = client.get(
        reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk])
    ).content.decode()
    assert endpoint.url in endpoint_page
    assert endpoint.secret not in endpoint_page
    assert 'name="_save"' not in endpoint_page
