"""The task worker that heals itself, and the rescue of tasks a dead worker left running.

django-tasks-db's worker stops on the first database error that is not a lock, and a worker
killed mid-task (out of memory, SIGKILL, a lost machine) leaves its task ``RUNNING`` for good.
``PortalWorker`` reconnects instead of stopping and writes a heartbeat (``WorkerBeat``);
``take_over_abandoned`` (run by ``outbox_recover``) hands a task whose worker has stopped
beating back to the queue. Our tasks may run twice: each one claims its outbox row or import
first, so a second run finds the work done or held and does nothing.
"""

import datetime
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat
from .reconnect import DB_LOST, wait_for_database

logger = logging.getLogger(__name__)

RUNNING = TaskResultStatus.RUNNING


class WorkerLost(Exception):
    """Recorded on a task whose workers died under it ``TASK_MAX_RUNS`` times."""


def abandon(result: DBTaskResult, *, why: str) -> str | None:
    """Hand a task left running back to the queue, or fail it once it has been tried
    ``TASK_MAX_RUNS`` times (a task that kills its worker must not kill them all); the new
    status, or None if the task moved on meanwhile."""
    runs = len(result.worker_ids)
    still_running = DBTaskResult.objects.filter(
        pk=result.pk, status=RUNNING, started_at=result.started_at
    )
    if runs < settings.TASK_MAX_RUNS:
        status, fields = TaskResultStatus.READY, {"started_at": None}
    else:
        status, fields = (
            TaskResultStatus.FAILED,
            {
                "finished_at": timezone.now(),
                "exception_class_path": f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                "traceback": f"WorkerLost: {why}, on each of its {runs} runs; not tried again.\n",
            },
        )
    if not still_running.update(status=status, **fields):
        return None
    log = logger.warning if status == TaskResultStatus.READY else logger.error
    log("Task %s (%s) %s: %s", result.pk, result.task_path, why, status.lower())
    return status


def take_over_abandoned() -> dict[str, int]:
    """Tasks running under a worker that has not beaten for ``WORKER_LOST_AFTER_SECONDS``
    (or, under one that never beats, a plain ``db_worker``, started more than
    ``TASK_RUNNING_LIMIT_SECONDS`` ago): back to the queue or failed; how many of each."""
    now = timezone.now()
    lost = now - datetime.timedelta(seconds=settings.WORKER_LOST_AFTER_SECONDS)
    limit = now - datetime.timedelta(seconds=settings.TASK_RUNNING_LIMIT_SECONDS)
    beats = dict(WorkerBeat.objects.values_list("worker_id", "beat_at"))
    counts = {"handed back": 0, "failed": 0}
    running = DBTaskResult.objects.filter(status=RUNNING).order_by("started_at")
    for result in running.only("id", "task_path", "worker_ids", "started_at")[:1000]:
        beat = beats.get(result.worker_ids[-1] if result.worker_ids else None)
        if beat is not None:
            if beat >= lost:
                continue
            why = "its worker stopped"
        elif result.started_at is None or result.started_at >= limit:
            continue
        else:
            why = "it ran past TASK_RUNNING_LIMIT_SECONDS"
        status = abandon(result, why=why)
        if status == TaskResultStatus.READY:
            counts["handed back"] += 1
        elif status == TaskResultStatus.FAILED:
            counts["failed"] += 1
    # Any task of a worker this long silent was judged above by its start time.
    WorkerBeat.objects.filter(beat_at__lt=limit).delete()
    return counts


class Heartbeat:
    """Renews the worker's ``WorkerBeat`` every few seconds from a thread of its own."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.every = max(settings.WORKER_LOST_AFTER_SECONDS / 6, 0.5)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="worker-heartbeat", daemon=True)

    def beat(self) -> None:
        WorkerBeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"beat_at": timezone.now()},
            create_defaults={
                "beat_at": timezone.now(),
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )

    def start(self) -> None:
        self._try(self.beat)  # before the first task is claimed
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)
        self._try(WorkerBeat.objects.filter(worker_id=self.worker_id).delete)

    def _run(self) -> None:
        try:
            while not self.stopping.wait(self.every):
                # Lets the health check replace a connection the server dropped meanwhile.
                close_old_connections()
                self._try(self.beat)
        finally:
            connections.close_all()  # this thread's own

    def _try(self, write) -> None:
        try:
            write()
        except DB_LOST as exc:
            # The database is away: the next beat reconnects (a dead connection is dropped).
            logger.warning("Worker %s could not beat: %s", self.worker_id, exc)
            connections.close_all()
        except Exception:
            logger.exception("Worker %s could not beat", self.worker_id)


class PortalWorker(Worker):
    """django-tasks-db's worker, which waits for a lost database instead of stopping."""

    def run(self) -> None:
        heart = Heartbeat(self.worker_id)
        heart.start()
        try:
            self._run_until_done()
        finally:
            heart.stop()

    def _run_until_done(self) -> None:
        reconnected, failures, since = False, 0, time.monotonic()
        while True:
            try:
                if reconnected:
                    self.release_own()
                super().run()
                return
            except DB_LOST as exc:
                if not self.running:
                    raise
                logger.warning(
                    "Worker %s lost the database (%s: %s); reconnecting",
                    self.worker_id,
                    type(exc).__name__,
                    exc,
                )
                # Failing again soon after reconnecting, the database answers but cannot
                # serve us (a missing table …): wait longer each time, up to the cap.
                quick = time.monotonic() - since < settings.DB_RECONNECT_MAX_SECONDS
                failures = failures + 1 if quick else 1
                wait_for_database(first=2 ** (failures - 1))
                reconnected, since = True, time.monotonic()
                self.startup_delay = False

    def release_own(self) -> int:
        """A task this worker was running when the database went away could not record its
        outcome: back to the queue (or failed after ``TASK_MAX_RUNS``)."""
        released = 0
        with transaction.atomic():
            for result in DBTaskResult.objects.filter(status=RUNNING).only(
                "id", "task_path", "worker_ids", "started_at"
            ):
                if result.worker_ids and result.worker_ids[-1] == self.worker_id:
                    released += bool(abandon(result, why="its worker lost the database"))
        return released
