"""Recovery, run by ``outbox_recover`` on each round: rows no task will deliver go to a new
task. And the apps' periodic clean-ups, run by the scheduler's ``purge`` job."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .kinds import KINDS, Kind
from .models import QUEUED


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


def requeue(kind: Kind, *, after: datetime.timedelta) -> int:
    """Hand each stranded row of ``kind`` to a new task. A row still held by a live task is
    safe: the second task finds it claimed, or done, and does nothing."""
    rows = stranded(kind.model.objects.all(), after=after)
    pks = list(rows.values_list("pk", flat=True).order_by("pk")[:1000])
    for pk in pks:
        with transaction.atomic():
            kind.enqueue(pk)
    return len(pks)


# The apps' own stranded work, ended or handed on by ``outbox_recover`` on each round with the
# outbox rows (an import whose worker died); each returns how many it handled.
RECOVERY: dict[str, Callable[[], int]] = {}


def recover_all(*, after: datetime.timedelta) -> dict[str, int]:
    """Hand every stranded row of every kind to a new task, and run the apps' recoveries; how
    many, by what."""
    counts = {
        model._meta.verbose_name_plural: requeue(kind, after=after) for model, kind in KINDS.items()
    }
    counts.update({name: run() for name, run in RECOVERY.items()})
    return counts


# The periodic clean-ups (forgetting old idempotency keys …), run by the scheduler's ``purge``
# job (``portal.core.tasks.purge``); each returns how many rows it removed. Filled by the apps'
# ready().
HOUSEKEEPING: dict[str, Callable[[], int]] = {}


def housekeeping_all() -> dict[str, int]:
    return {name: run() for name, run in HOUSEKEEPING.items()}
