"""Each reminder is listed in its customer's or prospect's History Log and sent to the MSP's
webhook endpoints subscribed to its kind (``renewal.upcoming`` …), once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.core import events
from portal.core.history import history_for
from portal.core.models import HistoryEntry
from portal.reminders.models import EVENT, Kind
from portal.reminders.send import reminders_send
from portal.webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint
from tests.reminders.conftest import (
    TERM_END,
    annual_customer,
    at,
    moment,
    reminder_mails,
    run_job,
)

DAY = datetime.timedelta(days=1)
DUE = moment(TERM_END - 30 * DAY)


def reminders_in_history(company) -> list[HistoryEntry]:
    return [e for e in history_for(company) if e.action == HistoryEntry.Action.REMINDER]


def test_the_reminder_is_in_the_customers_history_log_once(contoso):
    run_job(DUE)
    run_job(DUE + datetime.timedelta(hours=1))

    [entry] = reminders_in_history(contoso)
    assert entry.summary == (
        "Reminder: Contoso Pharmaceuticals: term ends 2027-06-30 (in 30 days) — sent to "
        "admin@acme.test"
    )
    assert entry.actor is None and entry.partner_id == contoso.partner_id
    assert entry.created_at == DUE


def test_each_kind_has_its_webhook_event():
    assert EVENT == {
        Kind.TERM_ENDING: "renewal.upcoming",
        Kind.RENEWAL_DEADLINE: "renewal.deadline",
        Kind.DOWNSELL_DEADLINE: "downsell.deadline",
        Kind.QUOTE_EXPIRING: "quote.expiring",
        Kind.RFI_UNANSWERED: "rfi.unanswered",
        Kind.ORDER_NOT_SUBMITTED: "order.not_submitted",
    }
    assert set(EVENT.values()) <= set(SUBSCRIBABLE)
    assert set(EVENT.values()) <= set(events.NAMES)


def test_a_subscribed_endpoint_gets_one_delivery_per_reminder(acme, acme_admin, price_list):
    companies = [annual_customer(acme, acme_admin, f"Customer {n}") for n in range(3)]
    told = WebhookEndpoint.objects.create(
        partner=acme, url="https://psa.example/hooks", events=["renewal.upcoming"]
    )
    WebhookEndpoint.objects.create(
        partner=acme, url="https://psa.example/other", events=["order.submitted"]
    )

    run_job(DUE)
    run_job(DUE + DAY)

    deliveries = WebhookDelivery.objects.filter(endpoint=told).order_by("id")
    assert deliveries.count() == 3
    assert not WebhookDelivery.objects.exclude(endpoint=told).exists()
    payload = deliveries[0].payload
    assert payload["event"] == "renewal.upcoming" and payload["partner_id"] == acme.pk
    data = payload["data"]
    assert data["reminder"] == {
        "kind": "term_ending",
        "title": f"{companies[0].name}: term ends 2027-06-30 (in 30 days)",
        "deadline": "2027-06-30",
        "days": 30,
        "sent_on": "2027-05-31",
        "url": f"http://127.0.0.1:8000/companies/{companies[0].pk}/#agreements",
    }
    assert data["company"] == {"id": companies[0].pk, "name": companies[0].name}
    assert data["term_end"] == "2027-06-30" and data["days_left"] == 30
    assert data["last_day_for_changes"] == "2027-06-29"
    [line] = data["lines"]
    assert line["code"] == "S1" and line["quantity"] == 350 and line["renews"] is True
    assert line["renewal_quantity"] == 350 and line["auto_renew"] is True


def statements_of_a_run(when) -> int:
    with at(when), CaptureQueriesContext(connection) as queries:
        reminders_send()
    return len(queries)


def test_a_batch_takes_as_many_statements_for_twelve_reminders_as_for_one(
    acme, acme_admin, price_list
):
    WebhookEndpoint.objects.create(
        partner=acme, url="https://psa.example/hooks", events=["renewal.upcoming"]
    )
    annual_customer(acme, acme_admin, "Customer One")
    for n in range(12):
        annual_customer(acme, acme_admin, f"Customer {n:02}", ends_on=TERM_END + DAY)

    one = statements_of_a_run(DUE)
    twelve = statements_of_a_run(DUE + DAY)

    # The e-mails, history entries, webhook deliveries and their tasks: one INSERT each.
    assert twelve == one
    assert WebhookDelivery.objects.count() == 13
    assert reminder_mails().count() == 13


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_batchs_emails(acme, acme_admin, price_list, run_worker, mailoutbox):
    for n in range(3):
        annual_customer(acme, acme_admin, f"Customer {n}")
    run_job(DUE)

    run_worker()

    assert sorted(m.subject for m in mailoutbox) == [
        f"Reminder: Customer {n}: term ends 2027-06-30 (in 30 days)" for n in range(3)
    ]
    assert set(reminder_mails().values_list("status", flat=True)) == {"sent"}
