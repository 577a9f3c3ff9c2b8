"""The scheduler (``manage.py portal_scheduler``) enqueues each periodic task of
settings.SCHEDULE on its cron schedule; the task workers run it."""

import datetime
import io
import threading
import uuid

import pytest
import time_machine
from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management import call_command
from django.db import connection
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from portal.companies.models import Agreement
from portal.core.management.commands.portal_scheduler import enqueue
from portal.core.models import ScheduledRun
from portal.core.tasks import purge
from tests.companies.test_versions_take_effect import DUE, scheduled_customers

TAKE_EFFECT = "portal.companies.tasks.scheduled_versions_take_effect"
TAKE_EFFECT_TASK = import_string(TAKE_EFFECT)
START = datetime.datetime(2026, 12, 31, 23, 50, 20, tzinfo=datetime.UTC)
QUARTER_PAST = datetime.datetime(2027, 1, 1, 0, 15, tzinfo=datetime.UTC)


def scheduler(*options) -> str:
    out = io.StringIO()
    call_command("portal_scheduler", *options, stdout=out)
    return out.getvalue()


def test_list_prints_each_periodic_job_with_its_cron_and_next_run(settings):
    settings.SCHEDULE = {TAKE_EFFECT: "*/15 * * * *"}
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 50, tzinfo=datetime.UTC)):
        listed = scheduler("--list")

    assert listed == f"{TAKE_EFFECT}: */15 * * * * (next run 2027-01-01 00:00 UTC)\n"


def test_the_versions_job_runs_every_quarter_of_an_hour_by_default(settings):
    assert settings.SCHEDULE[TAKE_EFFECT] == "*/15 * * * *"


def test_a_wrong_task_path_stops_the_scheduler_at_once(settings):
    settings.SCHEDULE = {"portal.companies.tasks.no_such_task": "0 3 * * *"}

    with pytest.raises(ImportError):
        scheduler("--list")


def test_a_wrong_cron_stops_the_scheduler_at_once(settings):
    settings.SCHEDULE = {TAKE_EFFECT: "every night"}

    with pytest.raises(ValueError):
        scheduler("--list")


def test_the_scheduler_enqueues_each_job_at_start_and_on_its_schedule(
    transactional_db, settings, monkeypatch
):
    settings.SCHEDULE = {TAKE_EFFECT: "*/15 * * * *"}
    fired = []

    def fire_every_job_at_the_next_quarter(self):
        for job in self.get_jobs():
            fired.append(job.func(*job.args, slot=QUARTER_PAST))

    monkeypatch.setattr(BlockingScheduler, "start", fire_every_job_at_the_next_quarter)
    with time_machine.travel(START, tick=False):
        scheduler()

    assert fired == [True]
    queued = DBTaskResult.objects.filter(task_path=TAKE_EFFECT)
    assert [(q.task_path, q.status) for q in queued] == [(TAKE_EFFECT, "READY")] * 2
    assert sorted(ScheduledRun.objects.values_list("slot", flat=True)) == [
        START.replace(second=0),
        QUARTER_PAST,
    ]


# Transactional: enqueue closes a connection left unusable, as one in a test's transaction looks.
def test_a_job_is_enqueued_once_per_minute_of_its_schedule(transactional_db):
    with time_machine.travel(START, tick=False):
        assert enqueue(TAKE_EFFECT) is True
        assert enqueue(TAKE_EFFECT) is False  # a second scheduler, the same minute
    assert enqueue(TAKE_EFFECT, slot=QUARTER_PAST) is True

    assert DBTaskResult.objects.filter(task_path=TAKE_EFFECT, status="READY").count() == 2
    assert set(ScheduledRun.objects.values_list("task_id", flat=True)) == {
        str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)
    }


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs a server database: the tests' SQLite is one in-memory database of one process",
)
def test_two_schedulers_at_once_enqueue_a_job_once(transactional_db):
    """Two schedulers, each with its own connection, fire the same minute together."""
    ready = threading.Barrier(2)
    results = []

    def scheduler_fires():
        ready.wait()
        try:
            results.append(enqueue(TAKE_EFFECT, slot=QUARTER_PAST))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler_fires) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False, True]
    assert DBTaskResult.objects.filter(task_path=TAKE_EFFECT).count() == 1


def test_purge_forgets_old_scheduler_runs_and_finished_tasks_only(transactional_db):
    with time_machine.travel(START - datetime.timedelta(days=20), tick=False):
        enqueue(TAKE_EFFECT)
        old_done = TAKE_EFFECT_TASK.enqueue()
        old_waiting = TAKE_EFFECT_TASK.enqueue()
    DBTaskResult.objects.filter(id=old_done.id).update(
        status="SUCCESSFUL", finished_at=START - datetime.timedelta(days=20)
    )
    with time_machine.travel(START, tick=False):
        enqueue(TAKE_EFFECT)
        recent = TAKE_EFFECT_TASK.enqueue()
        DBTaskResult.objects.filter(id=recent.id).update(status="SUCCESSFUL", finished_at=START)
        said = purge.call()

    assert said == "Forgot: 1 scheduler runs, 1 finished tasks"
    assert list(ScheduledRun.objects.values_list("slot", flat=True)) == [START.replace(second=0)]
    assert set(DBTaskResult.objects.values_list("id", flat=True)) >= {
        uuid.UUID(str(old_waiting.id)),
        uuid.UUID(str(recent.id)),
    }
    assert not DBTaskResult.objects.filter(id=old_done.id).exists()


def test_the_purge_job_runs_every_hour_by_default(settings):
    assert settings.SCHEDULE["portal.core.tasks.purge"] == "7 * * * *"


def test_the_task_run_by_a_worker_makes_the_due_versions_take_effect(
    acme, acme_admin, price_list, run_worker
):
    customers = scheduled_customers(acme, acme_admin, 2)

    with time_machine.travel(DUE):
        enqueue(TAKE_EFFECT)
        enqueue(TAKE_EFFECT, slot=DUE + datetime.timedelta(minutes=15))  # its next run
        run_worker()

    first, second = DBTaskResult.objects.filter(task_path=TAKE_EFFECT).order_by("enqueued_at")
    assert (first.status, first.return_value) == (
        "SUCCESSFUL",
        "2 scheduled versions took effect",
    )
    assert (second.status, second.return_value) == (
        "SUCCESSFUL",
        "0 scheduled versions took effect",
    )
    for company in customers:
        assert dict(company.agreements.values_list("version", "status")) == {
            1: Agreement.Status.SUPERSEDED,
            2: Agreement.Status.ACTIVE,
        }
