import datetime
import logging
from time import sleep

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from portal.core.outbox import recover_all
from portal.core.reconnect import DB_LOST, wait_for_database
from portal.core.workers import take_over_abandoned

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Hand outbox rows (e-mail, provisioning requests, webhook deliveries) whose worker died "
        "mid-delivery, or whose task was lost, to a new task; hand tasks a dead worker left "
        "running back to the queue. Once, or every --every seconds, waiting for the database "
        "whenever it is away. (The periodic clean-ups are the scheduler's purge job.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *, every: float, verbosity: int, **options):
        while True:
            try:
                self.round(verbosity)
            except DB_LOST as exc:
                if not every:
                    raise
                logger.warning(
                    "outbox_recover lost the database (%s: %s); reconnecting",
                    type(exc).__name__,
                    exc,
                )
                wait_for_database()
            except Exception:
                # One faulty round must not stop the rescue of e-mail; the next round tries
                # again.
                if not every:
                    raise
                logger.exception("outbox_recover's round failed; next round in %s s", every)
            if not every:
                return
            sleep(every)
            # Lets the health check replace a connection the server dropped while we slept.
            close_old_connections()

    def round(self, verbosity: int) -> None:
        after = datetime.timedelta(seconds=settings.OUTBOX_RECOVER_AFTER_SECONDS)
        tasks = take_over_abandoned()
        if verbosity and any(tasks.values()):
            done = ", ".join(f"{n} {what}" for what, n in tasks.items() if n)
            self.stdout.write(f"Tasks left running by a dead worker: {done}")
        counts = recover_all(after=after)
        if verbosity and any(counts.values()):
            done = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
            self.stdout.write(f"Recovered: {done}")
