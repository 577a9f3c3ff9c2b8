"""Sign-in failures counted; one log line a task, under the id of the request that queued it
where the task delivers an outbox row (the row carries it), else the task's own."""

import logging
import time

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django_tasks.signals import task_enqueued, task_finished, task_started

from portal.core.logs import REQUEST_ID, TASKS_QUEUED

from .metrics import SIGN_IN_FAILURES, TASKS_RUN

logger = logging.getLogger("portal.tasks")

_started: dict[str, tuple[float, object]] = {}


@receiver(user_login_failed)
def count_sign_in_failure(sender, **kwargs) -> None:
    SIGN_IN_FAILURES.inc()


@receiver(task_enqueued)
def task_queued(sender, task_result, **kwargs) -> None:
    queued = TASKS_QUEUED.get()
    if queued is not None:  # in a request: its line names the task
        queued.append(str(task_result.id))


@receiver(task_started)
def task_begins(sender, task_result, **kwargs) -> None:
    _started[task_result.id] = (time.perf_counter(), REQUEST_ID.set(str(task_result.id)))


@receiver(task_finished)
def task_ends(sender, task_result, **kwargs) -> None:
    started, token = _started.pop(task_result.id, (None, None))
    name = task_result.task.name
    outcome = str(task_result.status).lower()
    TASKS_RUN.labels(name, outcome).inc()
    logger.info(
        "task %s %s",
        name,
        outcome,
        extra={
            "task": name,
            "task_id": str(task_result.id),
            "outcome": outcome,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        },
    )
    if token is not None:
        try:
            REQUEST_ID.reset(token)
        except ValueError:  # set in another context (an async worker)
            REQUEST_ID.set("")
