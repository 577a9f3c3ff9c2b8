"""The usage app's periodic jobs."""

from django_tasks import task

from .digest import digests_send
from .reconciliation import refresh_due


@task()
def reconcile() -> str:
    """Work out the reconciliation rows of the customers marked due (and tell their drift)."""
    return f"{refresh_due()} customers reconciled"


@task()
def send_usage_digests() -> str:
    """This week's reconciliation digest of each MSP with a difference, once per week."""
    return f"{digests_send()} digests queued"
