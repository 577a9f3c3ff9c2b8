"""The business events the vendor must act on: each one writes a provisioning request in the
transaction of the change (see portal.core.events)."""

from portal.core import events

from .models import ProvisioningRequest
from .requests import provisioning_queue

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
