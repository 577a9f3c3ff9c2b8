"""/healthz answers while the process runs; /readyz says whether it can serve, and turns
unready when the database is unreachable or an outbox has stalled. Neither needs a sign-in or a
known host, and neither says more than which check failed."""

import datetime

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

from portal.core.outbox.models import OutgoingMessage
from portal.ops import health


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: a query here would fail the test.
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_readyz_is_ready_when_every_check_passes(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "outbox": "ok", "queue": "ok"},
    }
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_readyz_is_unready_when_the_database_is_unreachable(client, monkeypatch):
    connection.close()
    if connection.vendor == "postgresql":
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")  # nothing listens there
    else:  # the tests' SQLite lives in memory and cannot be closed: it fails as a lost file does

        def lost(*args, **kwargs):
            raise OperationalError("unable to open database file /nonexistent/dir/portal.db")

        monkeypatch.setattr(connection, "cursor", lost)
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        monkeypatch.undo()

    assert response.status_code == 503
    assert response.json()["status"] == "unready"
    assert response.json()["checks"]["database"] == "unreachable"
    assert "nonexistent" not in response.content.decode()  # nothing of the cause is told


@pytest.mark.django_db
def test_readyz_is_unready_when_an_outbox_stalls(client, settings):
    settings.OUTBOX_STALLED_SECONDS = 900
    OutgoingMessage.objects.create(template="t", to=["a@acme.test"], subject="s", text_body="b")

    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14), tick=False):
        assert client.get("/readyz").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["outbox"] == "stalled: email"


@pytest.mark.django_db
def test_a_row_waiting_for_its_retry_is_not_stalled(settings):
    settings.OUTBOX_STALLED_SECONDS = 900
    now = timezone.now()
    OutgoingMessage.objects.create(
        template="t",
        to=["a@acme.test"],
        subject="s",
        text_body="b",
        created_at=now - datetime.timedelta(hours=2),
        next_attempt_at=now + datetime.timedelta(minutes=30),  # backing off, as it should
    )

    assert health.stalled_outboxes(now) == []


@pytest.mark.django_db
def test_readyz_is_unready_while_migrations_are_pending(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("a plan", False)]
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "pending"
