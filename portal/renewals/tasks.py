"""renewals' periodic tasks (``settings.SCHEDULE`` names them for the scheduler)."""

from django.utils import timezone
from django_tasks import task

from portal.companies.schedule import versions_take_effect

from .run import renewals_run


@task()
def renew_due_terms() -> str:
    """Versions due today take effect first (a downsell confirmed for the term end is then
    the version that renews), then the terms due renew."""
    today = timezone.localdate()
    took = versions_take_effect(today)
    renewed = renewals_run(today)
    return (
        f"{took} scheduled version{'' if took == 1 else 's'} took effect; "
        f"{renewed} renewal{'' if renewed == 1 else 's'} made"
    )
