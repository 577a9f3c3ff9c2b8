"""Runs the periodic jobs: each task of ``settings.SCHEDULE`` is enqueued on its cron
schedule, for the task workers to run. One scheduler is enough; a second one only enqueues
the same jobs twice, which each job is made to bear."""

import datetime
import logging
import signal
from zoneinfo import ZoneInfo

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue(path: str) -> None:
    close_old_connections()
    result = import_string(path).enqueue()
    logger.info("Enqueued %s (%s)", path, result.id)


class Command(BaseCommand):
    help = "Enqueue the periodic tasks of settings.SCHEDULE on their cron schedules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="Print each job's next run and stop."
        )

    def handle(self, *args, **options):
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
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
            now = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))
            for job in scheduler.get_jobs():
                following = job.trigger.get_next_fire_time(None, now)
                cron = settings.SCHEDULE[job.id]
                self.stdout.write(f"{job.id}: {cron} (next run {following:%Y-%m-%d %H:%M %Z})")
            return
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        self.stdout.write(f"Scheduler: {len(settings.SCHEDULE)} periodic job(s).")
        scheduler.start()
