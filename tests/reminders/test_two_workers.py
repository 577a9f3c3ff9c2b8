"""Two workers running the reminders job at the same moment send each reminder once: real
processes on the test database (on SQLite, a file copy of it), as for the versions' job."""

import datetime

import pytest

from portal.core.models import HistoryEntry
from portal.reminders.models import Kind, Recipient, Reminder
from tests.companies.test_versions_take_effect import workers_race
from tests.reminders.conftest import TERM_END, annual_customer, reminder_mails

DAY = datetime.timedelta(days=1)
WORKER = """
import datetime, sys
import django
django.setup()
from django.db import connection
from portal.reminders.send import reminders_send
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
print(reminders_send(datetime.date.fromisoformat(sys.argv[1]), batch=int(sys.argv[2])))
"""


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(acme, acme_admin, price_list):
    # Terms ending in 30 days and in 7 days: each customer is due one reminder.
    customers = [
        annual_customer(acme, acme_admin, f"Customer {n:02}", ends_on=TERM_END - (n % 2) * 23 * DAY)
        for n in range(24)
    ]
    counts = workers_race(TERM_END - 30 * DAY, workers=2, batch=3, script=WORKER)

    assert sum(counts) == 24, counts
    assert Reminder.objects.filter(kind=Kind.TERM_ENDING).count() == 24
    assert reminder_mails().count() == 24
    assert not Recipient.objects.exists()  # e-mailed, none waits for a digest
    reminders = HistoryEntry.objects.filter(action=HistoryEntry.Action.REMINDER)
    assert sorted(reminders.values_list("object_id", flat=True)) == sorted(c.pk for c in customers)
