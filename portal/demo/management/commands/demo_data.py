from django.core.management.base import BaseCommand

from portal.demo.data import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Load the demo partners, users, catalog, prospects and customers (safe to run again)."

    def handle(self, *args, **options):
        created = load_demo_data()
        verb = "Loaded" if created else "Demo data already present; nothing changed"
        self.stdout.write(
            self.style.SUCCESS(f"{verb}. Every demo user's password is '{DEMO_PASSWORD}'.")
        )
