"""Delivering outbox rows: at least once, one worker at a time, the same way for every kind.

A ``Kind`` says what one outbox is: its model, the task that delivers one row, the sender that
makes one try, and the prefix of its settings (``<PREFIX>_MAX_ATTEMPTS``,
``<PREFIX>_RETRY_BASE_SECONDS``). Each app declares its kinds in its own ``tasks`` module and
registers them, so that core knows none of them by name.

A task first *claims* its row for a lease (one conditional UPDATE, so two tasks for one row
cannot both deliver it), then calls the other system outside any transaction, then records
the outcome only if it still holds the claim. A worker killed in between leaves the claim to
run out; ``recover_all`` then hands the row to a new task. The receiver may so see one row
twice, which is why every delivery carries the row's own key.
"""

import datetime
import inspect
import logging
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import normalize_json

from ..bulk import objects_insert
from ..logs import REQUEST_ID
from .models import FAILED, QUEUED, SENT, Deliverable

logger = logging.getLogger(__name__)


class Undelivered(Exception):
    """One try failed: ``permanent`` if another try cannot help, with the receiver's HTTP
    status ``code`` if it answered."""

    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


def enqueue_in_transaction(task_: Task, *, run_after: datetime.datetime | None = None, **kwargs):
    """Enqueue so that the task stands or falls with the caller's transaction.

    The database queue writes its row in the same transaction; another backend (Redis) cannot
    take part in it, so there the task is handed over once the transaction has committed.
    """
    if run_after is not None:
        task_ = task_.using(run_after=run_after)
    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task_.enqueue, **kwargs))


def enqueue_many_in_transaction(task_: Task, calls: list[dict]) -> None:
    """``enqueue_in_transaction`` for many calls of one task (each a dict of its keyword
    arguments), for a scheduled job's batch: on the database queue one COPY for them all, where
    enqueueing each would cost a statement per row (10,000 for one renewal run)."""
    if not calls:
        return
    backend = task_.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for kwargs in calls:
            transaction.on_commit(partial(task_.enqueue, **kwargs))
        return
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend.validate_task(task_)
    # The rows ``DatabaseBackend.enqueue`` writes one at a time (its pre_save handler's
    # run_after included: a bulk insert sends no signals). Nor is ``task_enqueued`` sent for
    # each: its one receiver logs every task at DEBUG, and making each row's TaskResult for it
    # would cost a batch of ten thousand e-mails seconds.
    rows = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
            priority=task_.priority,
            task_path=task_.module_path,
            queue_name=task_.queue_name,
            run_after=task_.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for kwargs in calls
    ]
    objects_insert(rows)


MANY = 50  # rows per task of ``Kind.task_many``


@dataclass(frozen=True)
class Kind:
    """One outbox: ``model``'s rows, each delivered by ``task`` (which takes the row's pk as
    its one argument), one try at a time by ``send`` (which returns the receiver's HTTP
    status, if any, or raises ``Undelivered``), under the settings ``<settings_prefix>_…``."""

    model: type[Deliverable]
    task: Task
    send: Callable[[Deliverable], int | None]
    settings_prefix: str
    label: str  # its name in metrics and health checks: "email", "webhook" …
    # The setting that bounds one try, in seconds, if not ``<settings_prefix>_TIMEOUT_SECONDS``.
    timeout_setting: str | None = None
    done_at: str = "delivered_at"  # the field stamped when the row is delivered
    code_field: str | None = "response_code"  # where the receiver's HTTP status is kept
    related: tuple[str, ...] = ()  # prefetched with the row for ``send``
    on_done: Callable[[Deliverable], None] | None = None  # in the transaction that records it
    nothing: str = "nothing to deliver"  # the task's result when the row is not its to try
    # A task that delivers a list of rows one after the other (its one argument), for a batch
    # job's thousands: one queued task per MANY rows rather than one per row. Each row is
    # still claimed, retried (by a task of its own) and recovered on its own.
    task_many: Task | None = None

    def setting(self, name: str):
        return getattr(settings, f"{self.settings_prefix}_{name}")

    @property
    def pk_name(self) -> str:
        """What the task calls the row's pk (``message_id`` …): tasks queued before keep it."""
        [name] = inspect.signature(self.task.func).parameters
        return name

    def lease(self) -> datetime.timedelta:
        """How long one try holds its row: the time one try may take, and a minute."""
        timeout = self.timeout_setting or f"{self.settings_prefix}_TIMEOUT_SECONDS"
        return datetime.timedelta(seconds=getattr(settings, timeout) + 60)

    def enqueue(self, pk: int, *, run_after: datetime.datetime | None = None) -> None:
        """Hand the row to a new task, in the caller's transaction."""
        enqueue_in_transaction(self.task, run_after=run_after, **{self.pk_name: pk})

    def enqueue_many(self, pks: list[int]) -> None:
        """New tasks for the rows, in the caller's transaction, in one INSERT: a task for every
        MANY rows with ``task_many``, else one for each."""
        if self.task_many is None:
            enqueue_many_in_transaction(self.task, [{self.pk_name: pk} for pk in pks])
            return
        [name] = inspect.signature(self.task_many.func).parameters
        chunks = [pks[start : start + MANY] for start in range(0, len(pks), MANY)]
        enqueue_many_in_transaction(self.task_many, [{name: chunk} for chunk in chunks])

    def deliver_many(self, pks: list[int]) -> str:
        """One try of each row, one after the other (what ``task_many`` runs)."""
        outcomes = Counter(self.deliver(pk) for pk in pks)
        return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))

    def deliver(self, pk: int) -> str:
        """One try of the row (what its task runs); the row's status after it."""
        row = claim(self.model.objects.prefetch_related(*self.related), pk, lease=self.lease())
        if row is None:
            return self.nothing
        # The other system is called outside any transaction: on SQLite a write transaction
        # would hold up every other writer for as long as it takes to answer.
        error, give_up, code = None, False, None
        following = REQUEST_ID.set(row.request_id or REQUEST_ID.get())
        try:
            code = self.send(row)
        except Undelivered as exc:
            error, give_up, code = str(exc), exc.permanent, exc.code
        finally:
            REQUEST_ID.reset(following)
        outcome = finish(self, row, error=error, give_up=give_up, code=code)
        logger.info(
            "%s %s: %s",
            self.label,
            row.pk,
            outcome,
            extra={"request_id": row.request_id or None, "outcome": outcome},
        )
        return outcome

    def retry(self, row: Deliverable) -> bool:
        """Staff give a failed row another round of tries; False if it is not failed."""
        return redeliver(row, retry=lambda: self.enqueue(row.pk))


# Every kind by its model, filled as the apps' ``tasks`` modules are imported (their ready()).
KINDS: dict[type[Deliverable], Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.model] = kind
    return kind


def backoff(attempts: int, base_seconds: float) -> datetime.timedelta:
    """Base, 4×base, 16×base … after the 1st, 2nd, 3rd failed try, each ±25 % at random so
    that rows which failed together (the receiver was down) do not all come back at once."""
    return datetime.timedelta(
        seconds=base_seconds * 4 ** (attempts - 1) * random.uniform(0.75, 1.25)  # noqa: S311
    )


def claim(queryset, pk: int, *, lease: datetime.timedelta):
    """The row, claimed for ``lease`` with one more attempt counted; None if it is not due,
    is done, or another worker holds it."""
    now = timezone.now()
    claimed = (
        queryset.filter(pk=pk, status=QUEUED)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(claimed_until=now + lease, attempts=F("attempts") + 1)
    )
    return queryset.get(pk=pk) if claimed else None


def finish(kind: Kind, row, *, error: str | None, give_up: bool, code: int | None) -> str:
    """Record one try of a claimed ``row``: delivered, a retry later (its task enqueued for
    then), or failed for good after ``<PREFIX>_MAX_ATTEMPTS`` (or at once with ``give_up``).
    Nothing is written if the claim was lost meanwhile (it ran out and another worker took the
    row, or the row was settled another way): that worker's record stands. Returns the status."""
    now = timezone.now()
    if error is not None:
        # Whatever the other side sent back may hold NUL bytes, which PostgreSQL's text refuses.
        error = error.replace("\x00", "\\x00")[:2000]
    fields: dict = {"claimed_until": None}
    if kind.code_field:
        fields[kind.code_field] = code
    if error is None:
        fields |= {"status": SENT, "last_error": "", "next_attempt_at": None, kind.done_at: now}
    elif give_up or row.attempts >= kind.setting("MAX_ATTEMPTS"):
        fields |= {"status": FAILED, "last_error": error, "next_attempt_at": None}
        logger.error("Giving up on %s %s: %s", type(row).__name__, row.pk, error)
    else:
        base_seconds = kind.setting("RETRY_BASE_SECONDS")
        fields |= {
            "last_error": error,
            "next_attempt_at": now + backoff(row.attempts, base_seconds),
        }
    with transaction.atomic():
        held = (
            type(row)
            .objects.filter(pk=row.pk, status=QUEUED, claimed_until=row.claimed_until)
            .update(**fields)
        )
        if not held:
            return type(row).objects.values_list("status", flat=True).get(pk=row.pk)
        if fields.get("next_attempt_at"):
            kind.enqueue(row.pk, run_after=fields["next_attempt_at"])
        elif error is None and kind.on_done is not None:
            kind.on_done(row)
    return fields.get("status", QUEUED)


def redeliver(row, *, retry: Callable[[], None]) -> bool:
    """A failed row gets another round of tries (``retry`` enqueues its task); False if it is
    not failed."""
    with transaction.atomic():
        again = (
            type(row)
            .objects.filter(pk=row.pk, status=FAILED)
            .update(status=QUEUED, attempts=0, next_attempt_at=None, claimed_until=None)
        )
        if again:
            retry()
    return bool(again)
