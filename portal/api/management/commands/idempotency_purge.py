from django.core.management.base import BaseCommand

from portal.api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Forget Idempotency-Keys older than IDEMPOTENCY_KEEP_HOURS (run it daily, e.g. cron)."

    def handle(self, *, verbosity: int, **options):
        count = purge_expired()
        if verbosity:
            self.stdout.write(f"Forgot {count} idempotency keys.")
