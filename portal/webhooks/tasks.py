from django_tasks import task

from portal.core.tasks import enqueue_in_transaction

__all__ = ["deliver_webhook", "enqueue_in_transaction"]


@task()
def deliver_webhook(delivery_id: int) -> str:
    from .delivery import webhook_deliver

    return webhook_deliver(delivery_id=delivery_id)
