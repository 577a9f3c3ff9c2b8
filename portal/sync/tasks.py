"""The vendor sync's outbox: provisioning requests, one kind of ``portal.core.outbox`` row,
delivered by ``deliver_request`` (see ``delivery``)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from portal.core.outbox import Kind, enqueue_in_transaction, register

from .delivery import request_send
from .models import ProvisioningRequest
from .simulator import simulate_confirmation

__all__ = [
    "REQUESTS",
    "deliver_request",
    "request_deliver",
    "request_retry",
    "simulated_confirmation",
]


@task()
def deliver_request(request_id: int) -> str:
    return REQUESTS.deliver(request_id)


@task()
def simulated_confirmation(request_id: int) -> str:
    return simulate_confirmation(request_id=request_id)


def _simulate(request: ProvisioningRequest) -> None:
    """With no vendor, the simulated provisioner confirms the request after its delay."""
    if not settings.SYNC_VENDOR_URL:
        delay = datetime.timedelta(seconds=settings.SYNC_SIMULATOR_DELAY_SECONDS)
        enqueue_in_transaction(
            simulated_confirmation, run_after=timezone.now() + delay, request_id=request.pk
        )


REQUESTS = register(
    Kind(ProvisioningRequest, deliver_request, request_send, "SYNC", on_done=_simulate)
)


def request_deliver(*, request_id: int) -> str:
    """One try of the request, as its task makes it."""
    return REQUESTS.deliver(request_id)


def request_retry(*, request: ProvisioningRequest) -> bool:
    """Staff give a failed request another round of tries; False if it is not failed."""
    return REQUESTS.retry(request)
