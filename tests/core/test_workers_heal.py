"""Workers that heal themselves: a lost database connection is waited out, a task a dead
worker left running is taken over, and an e-mail sent twice after a crash is one message."""

import datetime
import logging
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from portal.core import reconnect
from portal.core.management.commands import outbox_recover
from portal.core.models import OutgoingMessage, WorkerBeat
from portal.core.tasks import message_deliver
from portal.core.workers import Heartbeat, PortalWorker

from .test_outbox import queue_reset_mail


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


class Stop(Exception):
    """Ends an endless loop in a test."""


def portal_worker(**kwargs) -> PortalWorker:
    options = {
        "queue_names": ["*"],
        "interval": 0,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test-worker",
        "excluded_queue_names": [],
    }
    return PortalWorker(**(options | kwargs))


# --- reconnecting -----------------------------------------------------------------------------


def test_wait_for_database_backs_off_up_to_the_cap_until_the_server_answers(settings, caplog):
    settings.DB_RECONNECT_MAX_SECONDS = 5
    refused = OperationalError("connection refused: the database system is starting up")
    with (
        mock.patch.object(reconnect, "sleep") as sleep,
        mock.patch.object(reconnect, "connections") as connections,
        mock.patch.object(reconnect, "connection") as connection,
    ):
        connection.ensure_connection.side_effect = [refused] * 4 + [None]
        waited = reconnect.wait_for_database()

    assert [c.args[0] for c in sleep.call_args_list] == [1, 2, 4, 5, 5]
    assert waited == 17
    # Every try starts from a fresh connection: a broken one is never reused.
    assert connections.close_all.call_count == 5
    assert "still unreachable" in caplog.text
    assert "Reconnected to the database after 17 s" in caplog.text


def test_outbox_recover_survives_a_lost_connection_and_goes_on_with_its_rounds(
    transactional_db, caplog
):
    rounds = []

    def flaky_recover(*, after):
        rounds.append(after)
        if len(rounds) in (1, 2):
            raise (OperationalError if len(rounds) == 1 else InterfaceError)("connection lost")
        return {}

    def sleep(seconds):
        if len(rounds) >= 4:
            raise Stop

    with (
        mock.patch.object(outbox_recover, "recover_all", side_effect=flaky_recover),
        mock.patch.object(outbox_recover, "wait_for_database") as wait,
        mock.patch.object(outbox_recover, "sleep", side_effect=sleep),
        caplog.at_level(logging.WARNING),
        pytest.raises(Stop),
    ):
        call_command("outbox_recover", every=30, verbosity=0)

    assert len(rounds) == 4  # two lost rounds, each followed by a reconnect, then two good ones
    assert wait.call_count == 2
    assert caplog.text.count("outbox_recover lost the database") == 2


def test_outbox_recover_goes_on_after_a_round_fails_for_another_reason(transactional_db, caplog):
    calls = []

    def broken_recovery(**kwargs):
        calls.append(1)
        raise ValueError("a bug in one kind's recovery")

    with (
        mock.patch.object(outbox_recover, "recover_all", side_effect=broken_recovery),
        mock.patch.object(outbox_recover, "sleep", side_effect=[None, Stop]),
        pytest.raises(Stop),
    ):
        call_command("outbox_recover", every=30, verbosity=0)

    assert len(calls) == 2
    assert "round failed" in caplog.text


def test_outbox_recover_run_once_reports_a_lost_connection(db):
    with (
        mock.patch.object(outbox_recover, "recover_all", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        call_command("outbox_recover", verbosity=0)


def test_the_worker_waits_for_a_lost_database_instead_of_stopping(transactional_db, caplog):
    message = queue_reset_mail()
    real_get_locked = DBTaskResultQuerySet.get_locked
    lost = iter([OperationalError("server closed the connection unexpectedly")])

    def get_locked(queryset):
        for exc in lost:
            raise exc
        return real_get_locked(queryset)

    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", get_locked),
        mock.patch.object(reconnect, "sleep") as sleep,
    ):
        portal_worker().run()

    sleep.assert_called_once_with(1)
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert "Worker test-worker lost the database" in caplog.text
    assert not WorkerBeat.objects.exists()  # stopped cleanly: no sign of life left behind


def test_the_worker_waits_longer_each_time_the_database_fails_again_at_once(transactional_db):
    queue_reset_mail()
    real_get_locked = DBTaskResultQuerySet.get_locked
    missing = iter([OperationalError("no such table: django_tasks_database_dbtaskresult")] * 3)

    def get_locked(queryset):
        for exc in missing:
            raise exc
        return real_get_locked(queryset)

    with (
        mock.patch.object(DBTaskResultQuerySet, "get_locked", get_locked),
        mock.patch.object(reconnect, "sleep") as sleep,
    ):
        portal_worker().run()

    assert [c.args[0] for c in sleep.call_args_list] == [1, 2, 4]
    assert len(mail.outbox) == 1


def test_a_task_whose_outcome_was_lost_with_the_database_runs_again_and_sends_once(
    transactional_db,
):
    message = queue_reset_mail()
    lost = OperationalError("terminating connection due to administrator command")
    # The mail went out, then neither outcome could be written: the task stays RUNNING.
    with (
        mock.patch.object(DBTaskResult, "set_successful", side_effect=[lost, None]),
        mock.patch.object(DBTaskResult, "set_failed", side_effect=[lost]),
        mock.patch.object(reconnect, "sleep"),
    ):
        portal_worker().run()

    [result] = DBTaskResult.objects.all()
    assert result.worker_ids == ["test-worker", "test-worker"]  # handed back, run again
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1  # the second run found the message sent


# --- tasks left running -----------------------------------------------------------------------


def left_running(*, worker_id="dead-worker", minutes_ago=10, runs=1) -> DBTaskResult:
    """A delivery task as a worker that died mid-task leaves it."""
    queue_reset_mail()
    result = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        worker_ids=[f"earlier-{n}" for n in range(runs - 1)] + [worker_id],
    )
    return result


def beat(worker_id, *, seconds_ago):
    WorkerBeat.objects.create(
        worker_id=worker_id,
        host="worker-host",
        pid=4242,
        beat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
    )


def test_a_task_left_running_by_a_worker_that_stopped_beating_is_taken_over(run_worker):
    result = left_running()
    beat("dead-worker", seconds_ago=300)

    call_command("outbox_recover", verbosity=0)
    result.refresh_from_db()
    assert (result.status, result.started_at) == ("READY", None)

    run_worker()
    assert OutgoingMessage.objects.get().status == "sent"
    assert len(mail.outbox) == 1


def test_a_task_of_a_live_worker_is_left_alone_however_long_it_runs(run_worker, settings):
    settings.TASK_RUNNING_LIMIT_SECONDS = 60
    result = left_running(worker_id="busy-worker", minutes_ago=120)
    beat("busy-worker", seconds_ago=5)

    call_command("outbox_recover", verbosity=0)

    result.refresh_from_db()
    assert result.status == "RUNNING"


def test_a_task_of_a_worker_without_heartbeat_is_taken_over_after_the_running_limit(
    run_worker, settings
):
    settings.TASK_RUNNING_LIMIT_SECONDS = 3600
    recent = left_running(worker_id="plain-db-worker", minutes_ago=30)
    call_command("outbox_recover", verbosity=0)
    recent.refresh_from_db()
    assert recent.status == "RUNNING"

    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(hours=2))
    call_command("outbox_recover", verbosity=0)
    recent.refresh_from_db()
    assert recent.status == "READY"


def test_a_task_that_killed_its_worker_each_time_is_failed_not_retried(run_worker, settings):
    settings.TASK_MAX_RUNS = 3
    result = left_running(runs=3)
    beat("dead-worker", seconds_ago=300)

    call_command("outbox_recover", verbosity=0)

    result.refresh_from_db()
    assert result.status == "FAILED"
    assert result.exception_class_path == "portal.core.workers.WorkerLost"
    assert "its worker stopped, on each of its 3 runs" in result.traceback
    assert result.task_result.errors[0].exception_class.__name__ == "WorkerLost"


def test_the_heartbeat_is_renewed_and_removed_when_the_worker_stops(transactional_db, settings):
    settings.WORKER_LOST_AFTER_SECONDS = 3  # a beat every half second
    heart = Heartbeat("beating-worker")
    heart.start()
    try:
        first = WorkerBeat.objects.get().beat_at
        for _ in range(50):
            if WorkerBeat.objects.get().beat_at > first:
                break
            heart.stopping.wait(0.1)
        assert WorkerBeat.objects.get().beat_at > first
    finally:
        heart.stop()
    assert not WorkerBeat.objects.exists()


# --- the same e-mail twice --------------------------------------------------------------------


def test_an_email_delivered_twice_after_a_crash_carries_the_same_message_id(run_worker, settings):
    settings.SITE_URL = "https://portal.example.com"
    message = queue_reset_mail()
    other = queue_reset_mail(to="other@example.com")

    # The worker dies after the mail server took the message, before it could record it.
    with (
        mock.patch("portal.core.outbox.kinds.finish", side_effect=SystemExit("killed")),
        pytest.raises(SystemExit),
    ):
        message_deliver(message_id=message.pk)
    lapsed = timezone.now() - datetime.timedelta(seconds=1)
    OutgoingMessage.objects.filter(pk=message.pk).update(claimed_until=lapsed)
    call_command("outbox_recover", verbosity=0)
    run_worker()

    first, *others = mail.outbox
    again = [m for m in others if m.to == first.to]
    assert len(again) == 1
    first_id = first.message()["Message-ID"]
    assert first_id == again[0].message()["Message-ID"]
    assert first_id.startswith(f"<outbox.{message.pk}.")
    assert first_id.endswith("@portal.example.com>")
    [to_other] = [m for m in others if m.to == ["other@example.com"]]
    assert to_other.message()["Message-ID"] != first_id
    assert OutgoingMessage.objects.get(pk=other.pk).status == "sent"
