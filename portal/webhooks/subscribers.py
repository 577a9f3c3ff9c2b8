"""The business events a webhook endpoint can subscribe to: each one queues a delivery for
every active endpoint of the MSP that subscribes to it (see portal.core.events)."""

from django.db.models import prefetch_related_objects

from portal.core import events

from .models import WebhookEndpoint
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


@events.subscribe(events.AGREEMENT_TOOK_EFFECT)
def took_effect_event(event: events.Happened) -> None:
    """A batch of the scheduled job, of many MSPs: only those with an endpoint at all are
    told (one query finds them), each about its own customers."""
    partners = {agreement.company.partner_id for agreement in event.agreements}
    listening = set(
        WebhookEndpoint.objects.filter(partner_id__in=partners, is_active=True).values_list(
            "partner_id", flat=True
        )
    )
    told = [a for a in event.agreements if a.company.partner_id in listening]
    prefetch_related_objects(told, "lines", "change_order__prior", "company__partner")
    for agreement in told:
        data = agreement_data(agreement)
        if replaced := event.replaced.get(agreement.company_id):
            data["replaces_version"] = replaced.version
        webhook_emit(partner=agreement.company.partner, event=event.name, data=data)
