"""The Webhooks pages are for the MSP's Admins: Sales, vendor staff and another MSP's Admin
get a 404 on every one of them, and nobody signed out gets past the login page."""

import pytest
from django.urls import reverse

from portal.webhooks.models import WebhookEndpoint
from portal.webhooks.services import webhook_emit

from .conftest import make_endpoint


@pytest.fixture
def failed(acme):
    endpoint = make_endpoint(acme)
    (delivery,) = webhook_emit(partner=acme, event="order.submitted", data={})
    delivery.status = "failed"
    delivery.save()
    return endpoint, delivery


def endpoint_urls(endpoint, delivery) -> list[tuple[str, str]]:
    return [
        ("get", reverse("webhooks:detail", args=[endpoint.pk])),
        ("get", reverse("webhooks:edit", args=[endpoint.pk])),
        ("post", reverse("webhooks:edit", args=[endpoint.pk])),
        ("get", reverse("webhooks:delete", args=[endpoint.pk])),
        ("post", reverse("webhooks:delete", args=[endpoint.pk])),
        ("post", reverse("webhooks:send_test", args=[endpoint.pk])),
        ("post", reverse("webhooks:regenerate_secret", args=[endpoint.pk])),
        ("post", reverse("webhooks:send_again", args=[endpoint.pk, delivery.pk])),
    ]


def test_another_msps_admin_gets_404_on_every_url_of_the_endpoint(client, outsider, failed):
    endpoint, delivery = failed
    client.force_login(outsider)

    for method, url in endpoint_urls(endpoint, delivery):
        data = {"url": "https://evil.example/", "events": ["test"]} if method == "post" else None
        assert getattr(client, method)(url, data).status_code == 404, url

    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example/portal"
    assert endpoint.deliveries.count() == 1
    assert outsider.partner.webhook_endpoints.count() == 0


def test_another_msps_delivery_cannot_be_sent_again_through_ones_own_endpoint(
    client, outsider, failed, globex
):
    _, delivery = failed
    own = make_endpoint(globex)
    client.force_login(outsider)

    url = reverse("webhooks:send_again", args=[own.pk, delivery.pk])

    assert client.post(url).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == "failed"


@pytest.mark.parametrize("who", ["acme_sales", "staff"])
def test_sales_and_vendor_staff_get_404_on_every_page(client, request, who, failed):
    endpoint, delivery = failed
    client.force_login(request.getfixturevalue(who))

    urls = [("get", reverse("webhooks:list")), ("get", reverse("webhooks:create"))]
    for method, url in urls + endpoint_urls(endpoint, delivery):
        assert getattr(client, method)(url).status_code == 404, url
    assert WebhookEndpoint.objects.count() == 1


def test_signed_out_visitors_are_sent_to_the_login_page(client, failed):
    endpoint, delivery = failed

    for _, url in [("get", reverse("webhooks:list"))] + endpoint_urls(endpoint, delivery):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_menu_offers_webhooks_to_admins_only(client, acme_admin, acme_sales):
    client.force_login(acme_admin)
    assert b'href="/webhooks/"' in client.get(reverse("home")).content

    client.force_login(acme_sales)
    assert b'href="/webhooks/"' not in client.get(reverse("home")).content
