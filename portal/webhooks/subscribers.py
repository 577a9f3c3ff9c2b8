"""The business events a webhook endpoint can subscribe to: each one queues a delivery for
every active endpoint of the MSP that subscribes to it (see portal.core.events)."""

from portal.core import events

from .payloads import agreement_data, rfi_data
from .services import webhook_emit


@events.subscribe(
    events.ORDER_SUBMITTED,
    events.ORDER_SYNCED,
    events.ORDER_REJECTED,
    events.CHANGE_SUBMITTED,
    events.CHANGE_SYNCED,
    events.CHANGE_REJECTED,
    events.DOWNSELL_CANCELLED,
)
def agreement_event(event: events.Happened) -> None:
    data = agreement_data(event.agreement, reason=event.reason)
    webhook_emit(partner=event.partner, event=event.name, data=data)


@events.subscribe(events.RFI_SUBMITTED)
def rfi_event(event: events.Happened) -> None:
    webhook_emit(partner=event.partner, event=event.name, data=rfi_data(event.rfi))
