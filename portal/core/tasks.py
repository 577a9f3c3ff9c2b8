import datetime
from functools import partial

from django.db import transaction
from django_tasks import task
from django_tasks_db import DatabaseBackend

from .outbox import message_deliver


def enqueue_in_transaction(task_, *, run_after: datetime.datetime | None = None, **kwargs):
    """Enqueue so that the task stands or falls with the caller's transaction.

    The database queue writes its row in the same transaction; another backend (Redis) cannot
    take part in it, so there the task is handed over once the transaction has committed.
    """
    if run_after is not None:
        task_ = task_.using(run_after=run_after)
    if isinstance(task_.get_backend(), DatabaseBackend):
        task_.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task_.enqueue, **kwargs))


@task()
def deliver_message(message_id: int) -> str:
    return message_deliver(message_id=message_id)
