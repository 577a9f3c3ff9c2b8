"""The scheduler (``manage.py portal_scheduler``) enqueues each periodic task of
settings.SCHEDULE on its cron schedule; the task workers run it."""

import datetime
import io

import pytest
import time_machine
from apscheduler.schedulers.blocking import BlockingScheduler
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from portal.companies.models import Agreement
from portal.core.management.commands.portal_scheduler import enqueue
from tests.companies.test_versions_take_effect import DUE, scheduled_customers

TAKE_EFFECT = "portal.companies.tasks.scheduled_versions_take_effect"


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


def test_each_job_the_scheduler_fires_enqueues_its_task(transactional_db, settings, monkeypatch):
    settings.SCHEDULE = {TAKE_EFFECT: "*/15 * * * *"}

    def fire_every_job_once(self):
        for job in self.get_jobs():
            job.func(*job.args)

    monkeypatch.setattr(BlockingScheduler, "start", fire_every_job_once)
    scheduler()

    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.status) == (TAKE_EFFECT, "READY")


# Transactional: enqueue closes a connection left unusable, as one in a test's transaction looks.
def test_enqueue_queues_the_task_for_the_workers(transactional_db):
    enqueue(TAKE_EFFECT)
    enqueue(TAKE_EFFECT)  # a second scheduler, or a run made up: the job bears it

    assert DBTaskResult.objects.filter(task_path=TAKE_EFFECT, status="READY").count() == 2


def test_the_task_run_by_a_worker_makes_the_due_versions_take_effect(
    acme, acme_admin, price_list, run_worker
):
    customers = scheduled_customers(acme, acme_admin, 2)

    with time_machine.travel(DUE):
        enqueue(TAKE_EFFECT)
        enqueue(TAKE_EFFECT)
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
