"""What the vendor sync does on business events (see portal.core.events): a submit or a
cancellation writes a provisioning request, so does each version of a new customer's Request
for Information answers and each renewal the renewal run makes, and the vendor's answer is
e-mailed to the user who submitted — all in the transaction of the change."""

from portal.core import events
from portal.rfi.models import InformationRequest

from .confirm import provisioning_notify
from .models import ProvisioningRequest
from .requests import provisioning_queue, renewals_queue, rfi_queue

ACTIONS = {
    events.ORDER_SUBMITTED: ProvisioningRequest.Action.ORDER,
    events.CHANGE_SUBMITTED: ProvisioningRequest.Action.CHANGE,
    events.DOWNSELL_CANCELLED: ProvisioningRequest.Action.CANCEL,
}


@events.subscribe(*ACTIONS)
def provisioning_requested(event: events.Happened) -> None:
    provisioning_queue(
        agreement=event.agreement,
        action=ACTIONS[event.name],
        submission=event.submission,
        replaces=event.replaces,
    )
    if event.name == events.ORDER_SUBMITTED:
        # An order submitted again after a rejection: the answers given before go with it.
        rfi = InformationRequest.objects.filter(company=event.company).first()
        if rfi is not None and rfi.answers_version:
            rfi_queue(rfi=rfi)


@events.subscribe(events.AGREEMENT_RENEWED)
def agreements_renewed(event: events.Happened) -> None:
    """The renewal run's new versions: a request for each (action "renewal")."""
    renewals_queue(
        agreements=list(event.agreements),
        action=ProvisioningRequest.Action.RENEWAL,
        replaced=event.replaced,
    )


@events.subscribe(events.CUSTOMER_ENDED)
def customers_ended(event: events.Happened) -> None:
    """Customers with nothing left at renewal: a request for each Ended version (action
    "end")."""
    renewals_queue(agreements=list(event.agreements), action=ProvisioningRequest.Action.END)


@events.subscribe(events.RFI_ANSWERED)
def rfi_answered(event: events.Happened) -> None:
    rfi_queue(rfi=event.rfi)


ANSWERS = {
    events.ORDER_SYNCED: (ProvisioningRequest.Action.ORDER, ProvisioningRequest.Status.SYNCED),
    events.ORDER_REJECTED: (ProvisioningRequest.Action.ORDER, ProvisioningRequest.Status.REJECTED),
    events.CHANGE_SYNCED: (ProvisioningRequest.Action.CHANGE, ProvisioningRequest.Status.SYNCED),
    events.CHANGE_REJECTED: (
        ProvisioningRequest.Action.CHANGE,
        ProvisioningRequest.Status.REJECTED,
    ),
}


@events.subscribe(*ANSWERS)
def vendor_answered(event: events.Happened) -> None:
    action, outcome = ANSWERS[event.name]
    provisioning_notify(
        agreement=event.agreement, action=action, outcome=outcome, reason=event.reason
    )
