import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.core.delivery import housekeeping_all, recover_all


class Command(BaseCommand):
    help = (
        "Hand outbox rows (e-mail, provisioning requests) whose worker died mid-delivery, or "
        "whose task was lost, to a new task, and run the periodic clean-ups (old idempotency "
        "keys). Once, or every --every seconds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0, help="repeat every N seconds")

    def handle(self, *, every: float, verbosity: int, **options):
        after = datetime.timedelta(seconds=settings.OUTBOX_RECOVER_AFTER_SECONDS)
        while True:
            counts = recover_all(after=after)
            if verbosity and any(counts.values()):
                done = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
                self.stdout.write(f"Handed to a new task: {done}")
            cleaned = housekeeping_all()
            if verbosity and any(cleaned.values()):
                done = ", ".join(f"{n} {name}" for name, n in cleaned.items() if n)
                self.stdout.write(f"Forgot: {done}")
            if not every:
                return
            time.sleep(every)
