"""Delivering outbox rows (e-mails, provisioning requests): at least once, one worker at a time.

A task first *claims* its row for a lease (one conditional UPDATE, so two tasks for one row
cannot both deliver it), then calls the other system outside any transaction, then records
the outcome only if it still holds the claim. A worker killed in between leaves the claim to
run out; ``recover`` then hands the row to a new task. The receiver may so see one row twice,
which is why every delivery carries the row's own key.
"""

import datetime
import logging
import random
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUED = "queued"
FAILED = "failed"


class Deliverable(models.Model):
    """The bookkeeping every outbox row needs; ``status`` is the model's own, with at least
    ``queued`` and ``failed``."""

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


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


def finish(
    row,
    *,
    error: str | None,
    done_status: str,
    max_attempts: int,
    base_seconds: float,
    retry: Callable[[datetime.datetime], None],
    give_up: bool = False,
    done_fields: dict | None = None,
    tried_fields: dict | None = None,
    on_done: Callable[[], None] | None = None,
) -> str:
    """Record one try of a claimed ``row``: done, a retry later (``retry(when)`` enqueues it),
    or failed for good after ``max_attempts`` (or at once with ``give_up``). ``tried_fields``
    are written whatever the outcome, ``done_fields`` only on success. Nothing is written if
    the claim was lost meanwhile (it ran out and another worker took the row, or the row was
    settled another way): that worker's record stands. Returns the status."""
    now = timezone.now()
    if error is not None:
        # Whatever the other side sent back may hold NUL bytes, which PostgreSQL's text refuses.
        error = error.replace("\x00", "\\x00")[:2000]
    fields: dict = {"claimed_until": None, **(tried_fields or {})}
    if error is None:
        fields |= {"status": done_status, "last_error": "", "next_attempt_at": None}
        fields |= done_fields or {}
    elif give_up or row.attempts >= max_attempts:
        fields |= {"status": FAILED, "last_error": error, "next_attempt_at": None}
        logger.error("Giving up on %s %s: %s", type(row).__name__, row.pk, error)
    else:
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
            retry(fields["next_attempt_at"])
        elif error is None and on_done is not None:
            on_done()
    return fields.get("status", QUEUED)


def redeliver(row, *, retry: Callable[[], None]) -> bool:
    """Staff give a failed row another round of tries (``retry`` enqueues its task); False if
    it is not failed."""
    with transaction.atomic():
        again = (
            type(row)
            .objects.filter(pk=row.pk, status=FAILED)
            .update(status=QUEUED, attempts=0, next_attempt_at=None, claimed_until=None)
        )
        if again:
            retry()
    return bool(again)


def stranded(queryset, *, after: datetime.timedelta):
    """Queued rows that no task will deliver: the claim ran out (the worker died), or the row
    has waited ``after`` past its time without being claimed (its task was lost)."""
    now = timezone.now()
    late = now - after
    return queryset.filter(status=QUEUED).filter(
        Q(claimed_until__lt=now)
        | Q(claimed_until__isnull=True, next_attempt_at__lte=late)
        | Q(claimed_until__isnull=True, next_attempt_at__isnull=True, created_at__lte=late)
    )


def requeue(queryset, *, retry: Callable[[int], None]) -> int:
    """Hand each row of ``queryset`` to a new task. A row still held by a live task is safe:
    the second task finds it claimed, or done, and does nothing."""
    pks = list(queryset.values_list("pk", flat=True).order_by("pk")[:1000])
    for pk in pks:
        with transaction.atomic():
            retry(pk)
    return len(pks)


# Each outbox model with the function that hands one of its rows to a new task; filled by
# the apps' ready() so that ``outbox_recover`` covers them all.
RECOVERABLE: dict[type[Deliverable], Callable[[int], None]] = {}


def recover_all(*, after: datetime.timedelta) -> dict[str, int]:
    """Hand every stranded row of every outbox to a new task; how many, by model."""
    return {
        model._meta.verbose_name_plural: requeue(
            stranded(model.objects.all(), after=after), retry=enqueue
        )
        for model, enqueue in RECOVERABLE.items()
    }


# Other periodic clean-ups (forgetting old idempotency keys …), run by ``outbox_recover`` on
# each round; each returns how many rows it removed. Filled by the apps' ready().
HOUSEKEEPING: dict[str, Callable[[], int]] = {}


def housekeeping_all() -> dict[str, int]:
    return {name: run() for name, run in HOUSEKEEPING.items()}
