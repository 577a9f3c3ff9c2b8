"""The business events a webhook endpoint can subscribe to: each one queues a delivery for
every active endpoint of the MSP that subscribes to it (see portal.core.events)."""

from django.db.models import prefetch_related_objects

from portal.core import events

from .payloads import agreement_data, quote_data, renewal_data, rfi_data
from .selectors import endpoints_listening
from .services import webhook_emit, webhook_emit_many


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


@events.subscribe(events.QUOTE_ACCEPTED, events.QUOTE_DECLINED)
def quote_event(event: events.Happened) -> None:
    webhook_emit(partner=event.partner, event=event.name, data=quote_data(event.quote))


@events.subscribe(events.AGREEMENT_TOOK_EFFECT)
def took_effect_event(event: events.Happened) -> None:
    """A batch of the scheduled job, of many MSPs: one query finds those with an endpoint for
    it; only their versions are read (a constant number of queries) and each is told to its
    own MSP, with the version it replaced."""
    listening = endpoints_listening(
        partner_ids=[agreement.company.partner_id for agreement in event.agreements],
        event=event.name,
    )
    told = [a for a in event.agreements if a.company.partner_id in listening]
    if not told:
        return
    prefetch_related_objects(told, "lines", "change_order__prior", "order")
    items = []
    for agreement in told:
        data = agreement_data(agreement)
        if replaced := event.replaced.get(agreement.company_id):
            data["replaces_version"] = replaced.version
        items.append((agreement.company.partner_id, data))
    webhook_emit_many(event=event.name, told=items, listening=listening)


@events.subscribe(events.AGREEMENT_RENEWED, events.CUSTOMER_ENDED)
def renewal_event(event: events.Happened) -> None:
    """A batch of the renewal run, of many MSPs: as ``took_effect_event``, each version told
    to its own MSP's endpoints only (the lines were read for the batch by the vendor sync)."""
    listening = endpoints_listening(
        partner_ids=[agreement.company.partner_id for agreement in event.agreements],
        event=event.name,
    )
    told = [a for a in event.agreements if a.company.partner_id in listening]
    if not told:
        return
    replaced = event.replaced or {}
    before = [replaced[a.company_id] for a in told if a.company_id in replaced]
    prefetch_related_objects([*told, *before], "lines")
    items = [(a.company.partner_id, renewal_data(a, replaced.get(a.company_id))) for a in told]
    webhook_emit_many(event=event.name, told=items, listening=listening)


@events.subscribe(*events.REMINDERS, events.USAGE_DRIFT)
def reminder_event(event: events.Happened) -> None:
    """A batch of the reminders job or of the usage reconciliation, of many MSPs: ``items``
    holds each one's (partner id, data), built from that MSP's own objects."""
    if event.items:
        webhook_emit_many(event=event.name, told=list(event.items))
