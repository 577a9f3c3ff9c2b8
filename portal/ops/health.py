"""``/healthz``: the process answers. ``/readyz``: it can serve — the database is reachable and
migrated, the task queue is reachable and no outbox has stalled. Both are cheap (a few indexed
queries), need no sign-in and say only which check failed, never why."""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from portal.core.outbox.kinds import KINDS
from portal.core.outbox.models import QUEUED

logger = logging.getLogger(__name__)

_migrated = False  # once true for this process's code, it stays true


def database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def queue() -> bool:
    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").first()
        return True
    import django_rq  # the Redis queue (django-tasks-rq's extra)

    return all(django_rq.get_connection(name).ping() for name in backend.queues)


def stalled_outboxes(now: datetime.datetime | None = None) -> list[str]:
    """The kinds of outbox with a row due for longer than ``OUTBOX_STALLED_SECONDS``: its
    workers are gone or cannot keep up."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.OUTBOX_STALLED_SECONDS)
    return [
        kind.label
        for model, kind in KINDS.items()
        if model.objects.filter(status=QUEUED, created_at__lt=cutoff)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff))
        .exists()
    ]


def readiness() -> dict[str, str]:
    """Each check's outcome: "ok", or a word for what failed."""
    checks = {}
    try:
        checks["database"] = "ok" if database() else "unreachable"
    except DatabaseError:
        logger.warning("Readiness: the database is unreachable", exc_info=True)
        checks["database"] = "unreachable"
    if checks["database"] == "ok":
        checks["migrations"] = "ok" if migrations() else "pending"
        stalled = stalled_outboxes()
        checks["outbox"] = "stalled: " + ", ".join(stalled) if stalled else "ok"
    try:
        checks["queue"] = "ok" if queue() else "unreachable"
    except Exception:  # noqa: BLE001 — any failure of the queue's client is "unreachable"
        logger.warning("Readiness: the task queue is unreachable", exc_info=True)
        checks["queue"] = "unreachable"
    return checks
