"""Runs the periodic jobs: each task of ``settings.SCHEDULE`` is enqueued on its cron schedule,
and once when the scheduler starts, for the task workers to run.

Two schedulers at once (two hosts, or a restart overlapping the old one) enqueue each job once
per minute of its schedule: the first to write its ``ScheduledRun`` row enqueues it, in the
same transaction, and the other finds the row there. Every job also bears being run twice.
"""

import datetime
import logging
import signal
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.core.models import ScheduledRun

logger = logging.getLogger(__name__)


def enqueue(path: str, slot: datetime.datetime | None = None) -> bool:
    """Enqueue the task at ``path`` for ``slot`` (this minute), unless another scheduler has;
    whether this call did."""
    close_old_connections()
    slot = (slot or timezone.now()).replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=path, slot=slot)
            result = import_string(path).enqueue()
            run.task_id = str(result.id)[:64]
            run.save(update_fields=["task_id"])
    except IntegrityError:
        logger.info("%s for %s: enqueued by another scheduler already", path, slot)
        return False
    logger.info("Enqueued %s (%s)", path, result.id)
    return True


class Command(BaseCommand):
    help = "Enqueue the periodic tasks of settings.SCHEDULE on their cron schedules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print each job's next run and stop."
        )

    def handle(self, *args, **options):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        now = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))
        for path, cron in settings.SCHEDULE.items():
            import_string(path)  # a wrong path stops the scheduler at once, not at 3 am
            scheduler.add_job(
                enqueue,
                CronTrigger.from_crontab(cron, timezone=settings.TIME_ZONE),
                args=[path],
                id=path,
                # A run missed while the scheduler was down is made up once, not many times.
                coalesce=True,
                misfire_grace_time=3600,
                max_instances=1,
            )
        if options["list"]:
            for job in scheduler.get_jobs():
                following = job.trigger.get_next_fire_time(None, now)
                cron = settings.SCHEDULE[job.id]
                self.stdout.write(f"{job.id}: {cron} (next run {following:%Y-%m-%d %H:%M %Z})")
            return
        # Once at start too: what fell due while no scheduler ran (a reminder, a renewal) is
        # not left waiting for the job's next slot, which may be a day away.
        for path in settings.SCHEDULE:
            enqueue(path)
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        self.stdout.write(f"Scheduler: {len(settings.SCHEDULE)} periodic job(s).")
        scheduler.start()
