"""/metrics in Prometheus' text format, only with the token or to the allowed addresses."""

import re

import pytest
from django.urls import reverse

from portal.core.outbox.models import OutgoingMessage

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_ADDRESSES = []


def scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, series: str) -> float:
    found = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert found, series
    return float(found.group(1))


def test_metrics_are_not_served_unless_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", []

    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("header", ["", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_refuse_a_wrong_token(client, token, header):
    assert client.get("/metrics", HTTP_AUTHORIZATION=header).status_code == 403


def test_metrics_are_served_to_an_allowed_network(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", ["10.1.0.0/16"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 403


def test_requests_are_counted_by_route_with_their_queries(client, token, acme_admin):
    client.force_login(acme_admin)
    before = scrape(client)
    client.get(reverse("prospects:list"))
    after = scrape(client)

    series = 'portal_http_requests_total{method="GET",route="prospects/",status="200"}'
    assert value(after, series) == (value(before, series) if series in before else 0) + 1
    assert value(after, 'portal_http_request_queries_count{route="prospects/"}') >= 1
    assert value(after, 'portal_http_request_duration_seconds_count{route="prospects/"}') >= 1


def test_outbox_backlog_and_failures_by_kind(client, token):
    for status in ("queued", "queued", "failed"):
        OutgoingMessage.objects.create(
            template="t", to=["a@acme.test"], subject="s", text_body="b", status=status
        )

    text = scrape(client)

    assert value(text, 'portal_outbox_backlog{kind="email"}') == 2
    assert value(text, 'portal_outbox_failed{kind="email"}') == 1
    assert value(text, 'portal_outbox_backlog{kind="webhook"}') == 0
    assert value(text, 'portal_outbox_oldest_age_seconds{kind="email"}') >= 0
    assert value(text, 'portal_tasks{status="READY"}') >= 0
    assert value(text, "portal_imports_running") == 0


def test_sign_in_failures_are_counted(client, token, acme_admin):
    before = value(scrape(client), "portal_sign_in_failures_total")

    client.post(reverse("login"), {"username": "admin@acme.test", "password": "nope"})

    assert value(scrape(client), "portal_sign_in_failures_total") == before + 1
