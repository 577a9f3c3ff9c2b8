from django_tasks import task

from portal.core.tasks import enqueue_in_transaction

__all__ = ["deliver_request", "enqueue_in_transaction", "simulated_confirmation"]


@task()
def deliver_request(request_id: int) -> str:
    from .delivery import request_deliver

    return request_deliver(request_id=request_id)


@task()
def simulated_confirmation(request_id: int) -> str:
    from .simulator import simulate_confirmation

    return simulate_confirmation(request_id=request_id)
