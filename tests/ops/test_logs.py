"""One log line a request and a task, with a request id that follows the request into the
outbox rows it writes and their deliveries; ids only, never secrets or personal data."""

import json
import logging

import pytest
from django.urls import reverse

from portal.core.logs import REQUEST_ID, ContextFilter, JsonFormatter, TextFormatter
from portal.core.outbox.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """The JSON lines written while the test runs, as dicts."""
    written = []

    class Keep(logging.Handler):
        def emit(self, record):
            written.append(json.loads(self.format(record)))

    handler = Keep()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("portal.requests", "portal")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    yield written
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "portal.requests"]


def test_a_request_writes_one_line_with_its_ids_and_figures(client, acme_admin, lines):
    client.force_login(acme_admin)

    response = client.get(reverse("prospects:list") + "?q=secret-search")

    [line] = request_lines(lines)
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == acme_admin.pk and line["partner_id"] == acme_admin.partner_id
    assert line["route"] == "prospects/" and line["method"] == "GET" and line["status"] == 200
    assert line["queries"] >= 1 and line["duration_ms"] > 0
    assert "secret-search" not in json.dumps(lines)  # the query string is not logged
    assert acme_admin.email not in json.dumps(lines)


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(client, lines):
    kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-7f3a9c21d4")
    replaced = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\n{forged: line}")

    assert kept["X-Request-ID"] == "lb-7f3a9c21d4"
    assert len(replaced["X-Request-ID"]) == 32 and "\n" not in replaced["X-Request-ID"]
    assert [line["request_id"] for line in request_lines(lines)] == [
        "lb-7f3a9c21d4",
        replaced["X-Request-ID"],
    ]


def test_a_failed_sign_in_logs_no_password(client, acme_admin, lines):
    client.post(reverse("login"), {"username": "admin@acme.test", "password": "hunter2-secret"})

    assert "hunter2-secret" not in json.dumps(lines)


def test_an_outbox_row_carries_the_request_id_into_its_delivery(settings, lines):
    from portal.core.tasks import EMAIL

    token = REQUEST_ID.set("req-12345678")
    try:
        message = OutgoingMessage.objects.create(
            template="t", to=["a@acme.test"], subject="s", text_body="b"
        )
    finally:
        REQUEST_ID.reset(token)

    EMAIL.deliver(message.pk)

    assert message.request_id == "req-12345678"
    [line] = [line for line in lines if line.get("outcome")]
    assert line["request_id"] == "req-12345678" and line["outcome"] == "sent"


def test_the_text_format_is_for_a_person():
    record = logging.LogRecord("portal.requests", logging.INFO, "", 0, "GET / 200", (), None)
    record.request_id = "0123456789abcdef"

    assert TextFormatter().format(record).endswith("INFO portal.requests [01234567] GET / 200")


def test_a_requests_line_names_the_tasks_it_queued(
    acme_admin, prospect, infrastructure_choices, sync_settings, lines
):
    from django_tasks_db.models import DBTaskResult

    from tests.api.test_scripted_flow import INFRASTRUCTURE
    from tests.fixtures.api import client_for

    admin_api = client_for(acme_admin)
    response = admin_api.post(
        f"/api/v1/prospects/{prospect.pk}/order/submit/",
        {
            "infrastructure": INFRASTRUCTURE,
            "order_number": "PO-LOG-1",
            "accept_msa": True,
            "accept_authority": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    [line] = request_lines(lines)
    queued = {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)}
    assert queued and set(line["tasks"]) == queued


def test_a_batch_jobs_emails_carry_its_id_too():
    from portal.core.outbox.mail import Mail, messages_queue

    token = REQUEST_ID.set("task-87654321")
    try:
        ids = messages_queue([Mail(template="password_reset", to=["a@acme.test"], context={})])
    finally:
        REQUEST_ID.reset(token)

    assert OutgoingMessage.objects.get(pk=ids[0]).request_id == "task-87654321"
