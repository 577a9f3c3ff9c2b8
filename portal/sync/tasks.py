"""The vendor sync's outbox: provisioning requests, one kind of ``portal.core.outbox`` row,
delivered by ``deliver_request`` (see ``delivery``)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from portal.core.outbox import Kind, enqueue_in_transaction, register
from portal.rfi.models import InformationRequest
from portal.rfi.services import rfi_vendor_state
from portal.usage.reconciliation import refresh_due

from .delivery import request_send
from .models import ProvisioningRequest
from .simulator import simulate_confirmation, simulate_usage

__all__ = [
    "REQUESTS",
    "deliver_request",
    "request_deliver",
    "request_retry",
    "simulated_confirmation",
    "simulated_usage",
]


@task()
def deliver_request(request_id: int) -> str:
    return REQUESTS.deliver(request_id)


@task()
def simulated_confirmation(request_id: int) -> str:
    return simulate_confirmation(request_id=request_id)


@task()
def simulated_usage() -> str:
    """Yesterday's usage, as the simulated vendor reports it each morning (with a vendor
    endpoint configured, the vendor reports its own)."""
    if settings.SYNC_VENDOR_URL:
        return "a vendor is configured: it reports usage itself"
    day = timezone.localdate() - datetime.timedelta(days=1)
    answers = "; ".join(simulate_usage(day)) or "no customer"
    return f"{answers}; {refresh_due()} customers reconciled"


def _delivered(request: ProvisioningRequest) -> None:
    """The vendor has the request: the RFI says its answers are sent, and with no vendor the
    simulated provisioner confirms the request after its delay. A new customer's order is not
    confirmed on its own: it waits for its RFI answers, whose request the simulator confirms
    (a customer from before the RFI, without one, is confirmed as before)."""
    rfi = InformationRequest.objects.filter(company=request.company_id).first()
    if request.action == ProvisioningRequest.Action.RFI:
        if rfi is not None and rfi.answers_version == request.revision:
            if rfi.vendor_state == InformationRequest.Vendor.QUEUED:
                rfi_vendor_state(
                    rfi,
                    InformationRequest.Vendor.SENT,
                    logged=f"Request for Information answers (version {request.revision}) "
                    "sent to the vendor",
                )
    elif request.action == ProvisioningRequest.Action.ORDER and rfi is not None:
        return
    if not settings.SYNC_VENDOR_URL:
        delay = datetime.timedelta(seconds=settings.SYNC_SIMULATOR_DELAY_SECONDS)
        enqueue_in_transaction(
            simulated_confirmation, run_after=timezone.now() + delay, request_id=request.pk
        )


REQUESTS = register(
    Kind(
        ProvisioningRequest,
        deliver_request,
        request_send,
        "SYNC",
        "provisioning_request",
        on_done=_delivered,
    )
)


def request_deliver(*, request_id: int) -> str:
    """One try of the request, as its task makes it."""
    return REQUESTS.deliver(request_id)


def request_retry(*, request: ProvisioningRequest) -> bool:
    """Staff give a failed request another round of tries; False if it is not failed."""
    return REQUESTS.retry(request)
