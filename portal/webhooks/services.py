"""Every write to webhooks: endpoints (with their history), emitting an event, Send test and
Send again. ``webhook_emit`` is called by ``webhooks.subscribers`` on business events, inside the
transaction of their cause, so a rolled-back change tells nobody and a committed one always
does."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.core.history import changed_fields, history_record
from portal.core.models import HistoryEntry

from .models import SUBSCRIBABLE, Event, WebhookDelivery, WebhookEndpoint, new_secret
from .selectors import endpoints_listening
from .tasks import DELIVERIES

TEST_MESSAGE = "A test from the MSP Partner Portal: this endpoint receives its webhooks."


@transaction.atomic
def webhook_emit(*, partner, event: str, data: dict) -> list[WebhookDelivery]:
    """One delivery of ``event`` for each active endpoint of ``partner`` subscribed to it."""
    if event not in SUBSCRIBABLE:
        raise ValueError(f"Not a webhook event: {event!r}")
    endpoints = WebhookEndpoint.objects.filter(partner=partner, is_active=True).order_by("pk")
    # A handful of endpoints per partner: the subscription is checked here rather than with a
    # JSON lookup, which SQLite does not offer for lists.
    return [_queue(endpoint, event, data) for endpoint in endpoints if event in endpoint.events]


@transaction.atomic
def webhook_emit_many(
    *,
    event: str,
    told: list[tuple[int, dict]],
    listening: dict[int, list[WebhookEndpoint]] | None = None,
) -> list[WebhookDelivery]:
    """``webhook_emit`` for many MSPs' objects at once (a batch of the scheduled job): ``told``
    holds (partner id, data) pairs; ``listening`` the endpoints ``endpoints_listening`` found,
    if the caller looked them up already (to build data only for those). One query finds the
    endpoints, one insert writes the deliveries and one their tasks, so an MSP without an
    endpoint costs nothing more."""
    if event not in SUBSCRIBABLE:
        raise ValueError(f"Not a webhook event: {event!r}")
    if listening is None:
        listening = endpoints_listening(partner_ids=[p for p, _ in told], event=event)
    rows = [
        _delivery(endpoint, event, data)
        for partner_id, data in told
        for endpoint in listening.get(partner_id, ())
    ]
    WebhookDelivery.objects.bulk_create(rows)
    DELIVERIES.enqueue_many([row.pk for row in rows])
    return rows


class TestPending(ValidationError):
    """A test of this endpoint is still on its way: one at a time, so that Send test cannot
    be used to flood a receiver (or the workers that all MSPs share)."""


@transaction.atomic
def webhook_send_test(*, endpoint: WebhookEndpoint, actor) -> WebhookDelivery:
    """Send test: a ``test`` event through the same outbox, whatever the endpoint subscribes
    to and even while it is inactive (to check it before switching it on)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    # Only a test not tried yet counts: one that failed and waits for its retry must not keep
    # the Admin from testing the receiver they have just fixed.
    waiting = endpoint.deliveries.filter(
        event=Event.TEST, status=WebhookDelivery.Status.QUEUED, attempts=0
    )
    if waiting.exists():
        raise TestPending(
            "A test is still on its way to this endpoint: see the delivery log, then try again."
        )
    return _queue(endpoint, Event.TEST, {"endpoint_id": endpoint.pk, "message": TEST_MESSAGE})


def webhook_retry(*, delivery: WebhookDelivery) -> bool:
    """Send again: a failed delivery gets another round of tries; False if it is not failed."""
    return DELIVERIES.retry(delivery)


def _delivery(endpoint: WebhookEndpoint, event: str, data: dict) -> WebhookDelivery:
    """The delivery's row, not saved yet, with the body the receiver gets."""
    delivery = WebhookDelivery(endpoint=endpoint, event=event, created_at=timezone.now())
    delivery.payload = {
        "id": str(delivery.key),
        "event": str(event),
        "created": delivery.created_at.isoformat(),
        "partner_id": endpoint.partner_id,
        "data": data,
    }
    return delivery


def _queue(endpoint: WebhookEndpoint, event: str, data: dict) -> WebhookDelivery:
    delivery = _delivery(endpoint, event, data)
    delivery.save()
    DELIVERIES.enqueue(delivery.pk)
    return delivery


def _shown(endpoint: WebhookEndpoint) -> dict:
    """The endpoint's settings as the History Log shows them (never the secret)."""
    return {
        "URL": endpoint.url,
        "Events": ", ".join(endpoint.event_labels()),
        "Active": "Yes" if endpoint.is_active else "No",
    }


def _set(endpoint: WebhookEndpoint, url: str, events: list[str], is_active: bool) -> None:
    unknown = set(events) - set(SUBSCRIBABLE)
    if unknown:
        raise ValidationError({"events": f"Unknown events: {', '.join(sorted(unknown))}."})
    endpoint.url = url.strip()
    endpoint.events = [event.value for event in SUBSCRIBABLE if event in events]
    endpoint.is_active = is_active
    endpoint.full_clean(exclude=["partner", "created_by"])


@transaction.atomic
def endpoint_create(
    *, partner, actor, url: str, events: list[str], is_active: bool = True
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(partner=partner, created_by=actor)
    _set(endpoint, url, events, is_active)
    endpoint.save()
    history_record(
        actor=actor,
        obj=endpoint,
        action=HistoryEntry.Action.CREATE,
        summary=f"Webhook added: {endpoint.url}",
        changes=changed_fields({}, _shown(endpoint)),
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *, endpoint: WebhookEndpoint, actor, url: str, events: list[str], is_active: bool
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = _shown(endpoint)
    _set(endpoint, url, events, is_active)
    changes = changed_fields(before, _shown(endpoint))
    if changes:
        endpoint.save()
        history_record(
            actor=actor,
            obj=endpoint,
            action=HistoryEntry.Action.UPDATE,
            summary=f"Webhook changed: {', '.join(changes)}",
            changes=changes,
        )
    return endpoint


@transaction.atomic
def endpoint_regenerate_secret(*, endpoint: WebhookEndpoint, actor) -> WebhookEndpoint:
    """A new secret signs every delivery from now on, retries of earlier ones too."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    history_record(
        actor=actor,
        obj=endpoint,
        action=HistoryEntry.Action.UPDATE,
        summary="Webhook secret regenerated; the old one no longer signs deliveries",
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor) -> None:
    """The endpoint and its delivery log; deliveries still queued are not sent."""
    history_record(
        actor=actor,
        obj=endpoint,
        action=HistoryEntry.Action.DELETE,
        summary=f"Webhook deleted: {endpoint.url}",
        changes=changed_fields(_shown(endpoint), {}),
    )
    endpoint.delete()
