"""Reads of webhooks, always for the signed-in user's partner."""

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import WebhookDelivery, WebhookEndpoint

LOG_LENGTH = 50


def webhook_endpoints_for(user) -> QuerySet[WebhookEndpoint]:
    """The webhooks page: the partner's endpoints, each with its latest delivery's status."""
    latest = WebhookDelivery.objects.filter(endpoint=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        for_partner(WebhookEndpoint, user)
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_delivery_at=Subquery(latest.values("created_at")[:1]),
        )
        .order_by("url", "pk")
    )


def endpoints_listening(*, partner_ids, event: str) -> dict[int, list[WebhookEndpoint]]:
    """The active endpoints subscribed to ``event`` of each of these partners that has one
    (one query, whatever their number): a system's look-up across MSPs, for an event of many
    (the scheduled job's batch); each MSP's endpoints are only ever sent its own objects."""
    listening: dict[int, list[WebhookEndpoint]] = {}
    endpoints = WebhookEndpoint.objects.filter(partner_id__in=set(partner_ids), is_active=True)
    for endpoint in endpoints.order_by("pk"):
        # A handful of endpoints per partner: the subscription is checked here rather than
        # with a JSON lookup, which SQLite does not offer for lists.
        if event in endpoint.events:
            listening.setdefault(endpoint.partner_id, []).append(endpoint)
    return listening


def webhook_endpoint_for(user, pk: int) -> WebhookEndpoint:
    """One endpoint of the user's partner; another MSP's is a 404."""
    return get_for_partner_or_404(WebhookEndpoint, user, pk=pk)


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """The endpoint's latest deliveries, newest first."""
    return endpoint.deliveries.order_by("-created_at", "-id")[:LOG_LENGTH]


def delivery_of(endpoint: WebhookEndpoint, pk: int) -> WebhookDelivery:
    """One delivery of ``endpoint`` (found through ``webhook_endpoint_for``); another's is a 404."""
    return get_object_or_404(endpoint.deliveries.all(), pk=pk)
