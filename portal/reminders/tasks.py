"""The reminders' periodic tasks (``settings.SCHEDULE`` names them for the scheduler)."""

from django_tasks import task

from .digest import digests_send
from .send import reminders_send


@task()
def send_reminders() -> str:
    count = reminders_send()
    return f"{count} reminder{'' if count == 1 else 's'} sent"


@task()
def send_reminder_digests() -> str:
    count = digests_send()
    return f"{count} digest{'' if count == 1 else 's'} sent"
