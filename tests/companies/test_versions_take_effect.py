"""The scheduled job: on its date a Scheduled version becomes Active and the one in effect
Superseded, with one history entry and one webhook event per batch, exactly once however often
and in however many workers it runs. The clock is moved with time_machine.

The seeds' case: Fabrikam Logistics goes down from 350 to 200 seats of S1 and C1, submitted on
10 December through the change services and synced by the vendor at once; it takes effect at
the next billing date, 1 January 2027.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction

from portal.changes.downsell import CannotCancel, downsell_cancel
from portal.changes.models import ChangeOrder
from portal.changes.services import change_submit
from portal.companies.lifecycle import agreement_confirm
from portal.companies.models import Agreement, Company
from portal.companies.schedule import versions_take_effect
from portal.core import events
from portal.core.history import history_for
from portal.core.models import HistoryEntry
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.companies.test_lifecycle_sync import submit_change
from tests.fixtures.clock import made_on
from tests.fixtures.customers import make_customer

UTC = datetime.UTC
BILLING = datetime.date(2027, 1, 1)
SUBMITTED = datetime.datetime(2026, 12, 10, 9, tzinfo=UTC)
EVE = datetime.datetime(2026, 12, 31, 23, 45, tzinfo=UTC)
# The job's first run on the date, at a quarter past midnight.
DUE = datetime.datetime(2027, 1, 1, 0, 15, tzinfo=UTC)
# The customers are made before all of these.
MADE = datetime.datetime(2026, 12, 1, 12, tzinfo=UTC)
_clock = made_on(MADE)
Status = Agreement.Status

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a server database: two connections"
)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def statuses(company) -> dict[int, str]:
    return dict(company.agreements.values_list("version", "status"))


def took_effect(company) -> list[HistoryEntry]:
    return [e for e in history_for(company) if "took effect" in e.summary]


@pytest.fixture
def downsell(fabrikam, acme_admin, staff, quote_change) -> Agreement:
    """The seeds' downsell 350 → 200, submitted and synced: Scheduled from 2027-01-01."""
    Company.objects.filter(pk=fabrikam.pk).update(next_billing_date=BILLING)
    quote_change(fabrikam, seats="200")  # the quote saved on the change form, today
    with at(SUBMITTED):
        change, made = change_submit(
            change=ChangeOrder.objects.get(company=fabrikam),
            actor=acme_admin,
            key=uuid.uuid4(),
            ip=None,
            order_number="PO-200",
            order_number_not_required=False,
        )
        assert made and change.kind == ChangeOrder.Kind.DOWNSELL
        agreement_confirm(agreement=change.agreement, actor=staff)
    return Agreement.objects.get(pk=change.agreement_id)


def scheduled_customers(partner, actor, count: int, day=BILLING) -> list[Company]:
    """``count`` customers, each going from 350 to 200 seats on ``day`` (synced)."""
    customers = []
    for number in range(count):
        with at(MADE):
            company = make_customer(
                partner, actor, f"Scheduled Customer {number:03}", {"S1": 350, "C1": 350}, 350
            )
        with at(SUBMITTED):
            pending = submit_change(
                company, actor, {"S1": 200, "C1": 200}, 200, "downsell", effective_on=day
            )
            agreement_confirm(agreement=pending, actor=None)
        customers.append(company)
    return customers


def test_the_seed_downsell_keeps_350_in_effect_and_200_scheduled_until_its_date(downsell, fabrikam):
    with at(EVE):
        assert versions_take_effect() == 0

    first, second = fabrikam.agreements.get(version=1), fabrikam.agreements.get(version=2)
    assert (first.status, first.effective_until) == (Status.ACTIVE, BILLING)
    assert (second.status, second.effective_from) == (Status.SCHEDULED, BILLING)
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 350
    assert (fabrikam.fee_products, fabrikam.fee_seats) == (" S1 C1 ", 350)
    assert fabrikam.monthly_fees == Decimal("1505.00")
    assert took_effect(fabrikam) == []


def test_the_seed_downsell_takes_effect_on_its_date_once_the_job_runs(downsell, fabrikam):
    with at(DUE):
        made = versions_take_effect()

    assert made == 1
    first, second = fabrikam.agreements.get(version=1), fabrikam.agreements.get(version=2)
    assert (first.status, first.effective_until) == (Status.SUPERSEDED, BILLING)
    assert (second.status, second.effective_from, second.effective_until) == (
        Status.ACTIVE,
        BILLING,
        None,
    )
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 200
    # The customer lists' figures are the 200 seats' now.
    assert (fabrikam.fee_products, fabrikam.fee_seats, fabrikam.fees_currency) == (
        " S1 C1 ",
        200,
        "USD",
    )
    assert fabrikam.monthly_fees == Decimal("950.00")
    assert fabrikam.updated_at == DUE
    [entry] = took_effect(fabrikam)
    assert entry.actor is None and entry.created_at == DUE
    assert entry.summary == (
        "Agreement version 2 (200 seats) took effect on 2027-01-01; version 1 (350 seats) is "
        "superseded"
    )
    assert entry.changes == {
        "Agreement version 2": ["Scheduled", "Active"],
        "Agreement version 1": ["Active", "Superseded"],
        "permitted_users": [350, 200],
    }


def test_the_job_run_twice_makes_the_change_once(downsell, fabrikam):
    with at(DUE):
        first = versions_take_effect()
    entries = history_for(fabrikam).count()
    with at(DUE + datetime.timedelta(minutes=15)):
        second = versions_take_effect()

    assert (first, second) == (1, 0)
    assert history_for(fabrikam).count() == entries
    assert statuses(fabrikam) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}


def test_a_job_that_missed_the_date_makes_the_version_take_effect_on_its_date(downsell, fabrikam):
    with at(DUE + datetime.timedelta(days=3)):
        assert versions_take_effect() == 1

    assert fabrikam.agreements.get(version=2).effective_from == BILLING
    assert fabrikam.agreements.get(version=1).effective_until == BILLING


def test_a_version_due_later_waits(acme, acme_admin, price_list):
    [company] = scheduled_customers(acme, acme_admin, 1, day=datetime.date(2027, 2, 1))

    with at(DUE):
        assert versions_take_effect() == 0

    assert statuses(company) == {1: Status.ACTIVE, 2: Status.SCHEDULED}


def test_a_downsell_cancelled_before_its_date_never_takes_effect(downsell, fabrikam, acme_admin):
    with at(datetime.datetime(2026, 12, 20, 10, tzinfo=UTC)):
        downsell_cancel(agreement=downsell, actor=acme_admin)
    with at(DUE):
        assert versions_take_effect() == 0

    assert statuses(fabrikam) == {1: Status.ACTIVE, 2: Status.CANCELLED}
    assert fabrikam.agreements.get(version=1).effective_until is None
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 350


def test_on_its_date_a_downsell_can_no_longer_be_cancelled_before_or_after_the_job(
    downsell, fabrikam, acme_admin
):
    # No notice: cancellable until the eve of its date.
    ChangeOrder.objects.filter(agreement=downsell).update(cancel_by=BILLING)
    with at(DUE):
        with pytest.raises(CannotCancel, match="took effect on 2027-01-01"):
            downsell_cancel(agreement=downsell, actor=acme_admin)
        versions_take_effect()
        with pytest.raises(CannotCancel, match="took effect on 2027-01-01"):
            downsell_cancel(agreement=downsell, actor=acme_admin)

    assert statuses(fabrikam) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}


def test_one_event_per_batch_and_one_webhook_per_version(acme, acme_admin, price_list, monkeypatch):
    customers = scheduled_customers(acme, acme_admin, 5)
    WebhookEndpoint.objects.create(
        partner=acme, url="https://hooks.example/portal", events=[events.AGREEMENT_TOOK_EFFECT]
    )
    told = []
    subscribers = events._subscribers[events.AGREEMENT_TOOK_EFFECT]
    monkeypatch.setitem(
        events._subscribers, events.AGREEMENT_TOOK_EFFECT, [*subscribers, told.append]
    )

    with at(DUE):
        assert versions_take_effect(batch=2) == 5
        assert versions_take_effect(batch=2) == 0

    assert [len(event.agreements) for event in told] == [2, 2, 1]
    deliveries = WebhookDelivery.objects.filter(event=events.AGREEMENT_TOOK_EFFECT)
    assert deliveries.count() == 5
    delivered = sorted(d.payload["data"]["company"]["id"] for d in deliveries)
    assert delivered == sorted(c.pk for c in customers)
    assert {d.payload["data"]["replaces_version"] for d in deliveries} == {1}


def test_another_msps_customers_are_not_told_to_this_one(
    acme, globex, acme_admin, outsider, price_list
):
    scheduled_customers(acme, acme_admin, 1)
    WebhookEndpoint.objects.create(
        partner=globex, url="https://hooks.example/globex", events=[events.AGREEMENT_TOOK_EFFECT]
    )

    with at(DUE):
        assert versions_take_effect() == 1

    assert not WebhookDelivery.objects.exists()


def test_a_customer_the_database_refuses_is_left_behind_and_the_others_take_effect(
    acme, acme_admin, price_list
):
    good, bad, other = scheduled_customers(acme, acme_admin, 3)
    # Version 1 of one customer says it begins the day after its successor (an empty range,
    # which even PostgreSQL's exclusion constraint lets by): it cannot stop on that day.
    later = datetime.date(2027, 1, 2)
    bad.agreements.filter(version=1).update(effective_from=later, effective_until=later)

    with at(DUE):
        assert versions_take_effect(batch=10) == 2

    assert statuses(good) == statuses(other) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert statuses(bad) == {1: Status.ACTIVE, 2: Status.SCHEDULED}
    assert took_effect(bad) == []


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_customer_locked_by_a_users_action_is_left_to_the_next_run(downsell, fabrikam):
    locked, release = threading.Event(), threading.Event()

    def user_action():
        try:
            with transaction.atomic():
                Company.objects.select_for_update().get(pk=fabrikam.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    user = threading.Thread(target=user_action)
    user.start()
    try:
        assert locked.wait(30)
        with at(DUE):
            assert versions_take_effect() == 0  # skipped, not waited for
    finally:
        release.set()
        user.join(30)
    with at(DUE + datetime.timedelta(minutes=15)):
        assert versions_take_effect() == 1

    assert statuses(fabrikam) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
    assert len(took_effect(fabrikam)) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_downsell_cancelled_while_the_job_runs_stays_cancelled(downsell, fabrikam, acme_admin):
    ChangeOrder.objects.filter(agreement=downsell).update(cancel_by=BILLING)
    cancelled, release = threading.Event(), threading.Event()

    def cancel():
        try:
            # The last minute of the eve (a cancel on the date itself is refused), still
            # holding the company when the job starts after midnight.
            with transaction.atomic():
                downsell_cancel(agreement=downsell, actor=acme_admin, today=EVE.date())
                cancelled.set()  # not committed yet: the company is still locked
                release.wait(30)
        finally:
            connection.close()

    user = threading.Thread(target=cancel)
    user.start()
    try:
        assert cancelled.wait(30)
        with at(DUE):
            assert versions_take_effect() == 0
    finally:
        release.set()
        user.join(30)
    with at(DUE + datetime.timedelta(minutes=15)):
        assert versions_take_effect() == 0

    assert statuses(fabrikam) == {1: Status.ACTIVE, 2: Status.CANCELLED}
    assert fabrikam.agreements.get(version=1).effective_until is None
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 350
    assert took_effect(fabrikam) == []


# Two workers at once: real processes on the test database (on SQLite, a file copy of it).

WORKER = """
import datetime, sys
import django
django.setup()
from django.db import connection
from portal.companies.schedule import versions_take_effect
connection.ensure_connection()
print("ready", flush=True)
sys.stdin.readline()
print(versions_take_effect(datetime.date.fromisoformat(sys.argv[1]), batch=int(sys.argv[2])))
"""


def workers_race(
    day: datetime.date, *, workers: int, batch: int, script: str = WORKER
) -> list[int]:
    """Start ``workers`` processes, let them all connect, then run the job in each at once
    (``script``: another job, given the day and the batch size); how many versions each one
    made take effect."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING"}
    copy = None
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        # The test database lives in this process's memory: the workers share a file copy.
        copy = settings.BASE_DIR / "var" / f"race-{uuid.uuid4().hex}.sqlite3"
        copy.parent.mkdir(exist_ok=True)
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
            # In WAL already, as the portal's own file is: two workers switching it at once
            # both want the exclusive lock, and one fails at once ("database is locked").
            target.execute("PRAGMA journal_mode=WAL")
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(copy)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, day.isoformat(), str(batch)],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(workers)
    ]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready"
        for process in processes:  # the go, to all of them before any one answers
            process.stdin.write("go\n")
            process.stdin.flush()
        counts = [int(process.communicate(timeout=120)[0]) for process in processes]
        if copy is not None:
            with sqlite3.connect(copy) as source:
                source.backup(connection.connection)
        return counts
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        if copy is not None:
            for path in copy.parent.glob(copy.name + "*"):
                path.unlink()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_each_version_take_effect_once(acme, acme_admin, price_list):
    customers = scheduled_customers(acme, acme_admin, 24)

    counts = workers_race(BILLING, workers=2, batch=3)

    assert sum(counts) == 24, counts
    for company in customers:
        assert statuses(company) == {1: Status.SUPERSEDED, 2: Status.ACTIVE}
        assert len(took_effect(company)) == 1
    assert set(
        Company.objects.filter(pk__in=[c.pk for c in customers]).values_list(
            "permitted_users", "fee_seats", "monthly_fees"
        )
    ) == {(200, 200, Decimal("950.00"))}
