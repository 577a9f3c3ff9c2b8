"""companies' periodic tasks (``settings.SCHEDULE`` names them for the scheduler)."""

from django_tasks import task

from .schedule import versions_take_effect


@task()
def scheduled_versions_take_effect() -> str:
    count = versions_take_effect()
    return f"{count} scheduled version{'' if count == 1 else 's'} took effect"
