"""An Admin adds, edits and deletes webhooks, sees the secret and the delivery log, sends a
test and sends a failed delivery again; each change is in the History Log."""

import pytest
from django.urls import reverse

from portal.core.history import history_for
from portal.core.models import HistoryEntry
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from portal.webhooks.services import webhook_emit

from .conftest import delivery_tasks, make_endpoint


@pytest.fixture
def admin_client(client, acme_admin):
    client.force_login(acme_admin)
    return client


def test_the_list_shows_each_endpoint_with_its_last_delivery(admin_client, acme, globex):
    quiet = make_endpoint(acme, url="https://quiet.example/", events=["rfi.submitted"])
    busy = make_endpoint(acme, url="https://busy.example/", events=["order.submitted"])
    make_endpoint(globex, url="https://globex.example/")
    webhook_emit(partner=acme, event="order.submitted", data={})
    WebhookDelivery.objects.update(status="failed")

    page = admin_client.get(reverse("webhooks:list")).content.decode()

    assert "https://quiet.example/" in page and "https://busy.example/" in page
    assert "https://globex.example/" not in page
    assert "Request for Information submitted" in page
    assert 'badge-webhook-failed">Failed' in page
    assert reverse("webhooks:detail", args=[quiet.pk]) in page
    assert reverse("webhooks:detail", args=[busy.pk]) in page


def test_the_empty_list_says_what_to_do(admin_client):
    page = admin_client.get(reverse("webhooks:list")).content.decode()

    assert "No webhooks yet" in page and "Add Webhook" in page


def test_an_admin_adds_a_webhook_and_sees_its_secret(admin_client, acme, acme_admin):
    response = admin_client.post(
        reverse("webhooks:create"),
        {
            "url": " https://psa.example/hooks ",
            "events": ["order.synced", "order.submitted"],
            "is_active": "on",
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.partner, endpoint.created_by) == (acme, acme_admin)
    assert endpoint.url == "https://psa.example/hooks"
    assert endpoint.events == ["order.submitted", "order.synced"]
    assert endpoint.is_active
    page = response.content.decode()
    assert endpoint.secret in page
    assert "Send test" in page and "Nothing sent yet" in page
    (entry,) = history_for(endpoint)
    assert entry.action == HistoryEntry.Action.CREATE
    assert entry.changes["Events"] == [None, "Order submitted, Order synced"]
    assert endpoint.secret not in str(entry.changes)


@pytest.mark.parametrize(
    "url", ["ftp://files.example/in", "psa.example.com/hooks", "javascript:alert(1)", "https://"]
)
def test_a_url_that_is_not_http_is_refused_next_to_the_field(admin_client, url):
    response = admin_client.post(reverse("webhooks:create"), {"url": url, "events": ["test"]})

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<div id="id_url_error"><p class="error">Enter a full web address starting with '
        "http:// or https://.</p></div>" in page
    )
    assert not WebhookEndpoint.objects.exists()


def test_a_webhook_needs_at_least_one_event(admin_client):
    response = admin_client.post(reverse("webhooks:create"), {"url": "https://psa.example/"})

    assert "Tick at least one event" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_edits_a_webhook_and_the_history_says_what_changed(admin_client, acme):
    endpoint = make_endpoint(acme, events=["order.submitted"])

    admin_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": "https://new.example/", "events": ["order.submitted", "rfi.submitted"]},
    )

    endpoint.refresh_from_db()
    assert endpoint.url == "https://new.example/"
    assert endpoint.events == ["order.submitted", "rfi.submitted"]
    assert not endpoint.is_active
    (entry,) = history_for(endpoint)
    assert entry.changes == {
        "URL": ["https://hooks.example/portal", "https://new.example/"],
        "Events": ["Order submitted", "Order submitted, Request for Information submitted"],
        "Active": ["Yes", "No"],
    }


def test_an_admin_deletes_a_webhook_after_confirming(admin_client, acme):
    endpoint = make_endpoint(acme)
    webhook_emit(partner=acme, event="order.submitted", data={})
    url = reverse("webhooks:delete", args=[endpoint.pk])

    assert (
        "Delete the webhook for https://hooks.example/portal?"
        in admin_client.get(url).content.decode()
    )
    response = admin_client.post(url, follow=True)

    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    assert "Deleted the webhook" in response.content.decode()
    entry = HistoryEntry.objects.get(action=HistoryEntry.Action.DELETE)
    assert (entry.partner, entry.summary) == (acme, "Webhook deleted: https://hooks.example/portal")


def test_send_test_queues_a_test_delivery_and_says_so(admin_client, acme):
    endpoint = make_endpoint(acme, events=["order.submitted"], is_active=False)

    response = admin_client.post(reverse("webhooks:send_test", args=[endpoint.pk]), follow=True)

    (delivery,) = endpoint.deliveries.all()
    assert (delivery.event, delivery.status) == ("test", "queued")
    assert delivery.payload["data"]["endpoint_id"] == endpoint.pk
    assert len(delivery_tasks(delivery)) == 1
    page = response.content.decode()
    assert "A test event is queued for delivery" in page
    assert 'badge-webhook-queued">Queued' in page


def test_the_log_offers_send_again_for_a_failed_delivery_only(admin_client, acme):
    endpoint = make_endpoint(acme)
    sent, failed = (
        webhook_emit(partner=acme, event="order.submitted", data={})[0],
        webhook_emit(partner=acme, event="order.synced", data={})[0],
    )
    WebhookDelivery.objects.filter(pk=sent.pk).update(status="sent", attempts=1, response_code=200)
    WebhookDelivery.objects.filter(pk=failed.pk).update(
        status="failed", attempts=3, response_code=503, last_error="HTTP 503 Service Unavailable"
    )
    detail = reverse("webhooks:detail", args=[endpoint.pk])

    page = admin_client.get(detail).content.decode()

    assert "HTTP 503 Service Unavailable" in page
    assert page.count(">Send again</button>") == 1
    assert reverse("webhooks:send_again", args=[endpoint.pk, failed.pk]) in page
    response = admin_client.post(
        reverse("webhooks:send_again", args=[endpoint.pk, failed.pk]), follow=True
    )
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("queued", 0)
    assert "The order.synced delivery is queued again." in response.content.decode()
    response = admin_client.post(
        reverse("webhooks:send_again", args=[endpoint.pk, sent.pk]), follow=True
    )
    assert "nothing to send again" in response.content.decode()


def test_regenerate_secret_replaces_it_and_is_logged(admin_client, acme):
    endpoint = make_endpoint(acme)
    old = endpoint.secret

    response = admin_client.post(
        reverse("webhooks:regenerate_secret", args=[endpoint.pk]), follow=True
    )

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    page = response.content.decode()
    assert endpoint.secret in page and old not in page
    assert "Webhook secret regenerated" in page
