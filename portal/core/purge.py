"""core's periodic clean-ups, run by the scheduler's ``purge`` job with the other apps'
(``HOUSEKEEPING``)."""

import datetime

from django.conf import settings
from django.utils import timezone

from .models import ScheduledRun

SCHEDULED_RUNS_KEPT = datetime.timedelta(days=7)


def scheduled_runs_forget() -> int:
    """A scheduler run only needs to be remembered while another scheduler could still fire
    the same minute."""
    before = timezone.now() - SCHEDULED_RUNS_KEPT
    return ScheduledRun.objects.filter(enqueued_at__lt=before).delete()[0]


def task_results_forget() -> int:
    """Finished tasks of the database queue (successful or failed) older than
    ``TASK_RESULTS_KEPT_DAYS``; queued and running ones are never touched. None on Redis,
    which expires its own."""
    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return 0
    from django_tasks_db.models import DBTaskResult

    before = timezone.now() - datetime.timedelta(days=settings.TASK_RESULTS_KEPT_DAYS)
    return DBTaskResult.objects.finished().filter(finished_at__lt=before).delete()[0]
