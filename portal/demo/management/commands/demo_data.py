from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.demo.data import DEMO_PASSWORD, load_demo_data, load_demo_usage


class Command(BaseCommand):
    help = (
        "Load the demo partners, users, catalog, prospects, customers and their last 90 days "
        "of usage (safe to run again: it only reports the days of usage missing since)."
    )

    def handle(self, *args, **options):
        if load_demo_data():
            said = "Loaded"
        else:
            # Loaded on another day: the days since are reported, as the daily job would have.
            days = load_demo_usage(timezone.localdate())
            said = "Demo data already present; " + (
                f"usage of {days} more day{'s' if days != 1 else ''} reported"
                if days
                else "nothing changed"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{said}. Every demo user's password is '{DEMO_PASSWORD}'.")
        )
