from django_tasks import task

from .outbox import message_deliver


@task()
def deliver_message(message_id: int) -> str:
    return message_deliver(message_id=message_id)
