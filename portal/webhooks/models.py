"""An MSP's webhook endpoints and every delivery made to them (an outbox, see
``portal.core.outbox``)."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from portal.core import events
from portal.core.outbox import Deliverable

HTTP_URL = "Enter a full web address starting with http:// or https://."


class Event(models.TextChoices):
    """What an endpoint can subscribe to; ``test`` is only sent by **Send test**."""

    ORDER_SUBMITTED = events.ORDER_SUBMITTED, "Order submitted"
    ORDER_SYNCED = events.ORDER_SYNCED, "Order synced"
    ORDER_REJECTED = events.ORDER_REJECTED, "Order rejected"
    CHANGE_SUBMITTED = events.CHANGE_SUBMITTED, "Change order submitted"
    CHANGE_SYNCED = events.CHANGE_SYNCED, "Change order synced"
    CHANGE_REJECTED = events.CHANGE_REJECTED, "Change order rejected"
    CHANGE_CANCELLED = events.DOWNSELL_CANCELLED, "Downsell cancelled"
    AGREEMENT_TOOK_EFFECT = events.AGREEMENT_TOOK_EFFECT, "Scheduled change took effect"
    AGREEMENT_RENEWED = events.AGREEMENT_RENEWED, "Agreement renewed"
    CUSTOMER_ENDED = events.CUSTOMER_ENDED, "Customer ended (nothing renewed)"
    RFI_SUBMITTED = events.RFI_SUBMITTED, "Request for Information submitted"
    QUOTE_ACCEPTED = events.QUOTE_ACCEPTED, "Customer quote accepted"
    QUOTE_DECLINED = events.QUOTE_DECLINED, "Customer quote declined"
    # Reminders (the reminders job): what a PSA tool may open a ticket for.
    RENEWAL_UPCOMING = events.RENEWAL_UPCOMING, "Reminder: term ending"
    RENEWAL_DEADLINE = events.RENEWAL_DEADLINE, "Reminder: renewal deadline"
    DOWNSELL_DEADLINE = events.DOWNSELL_DEADLINE, "Reminder: downsell cancel deadline"
    QUOTE_EXPIRING = events.QUOTE_EXPIRING, "Reminder: saved quote about to expire"
    RFI_UNANSWERED = events.RFI_UNANSWERED, "Reminder: Request for Information not answered"
    ORDER_NOT_SUBMITTED = events.ORDER_NOT_SUBMITTED, "Reminder: saved order not submitted"
    USAGE_DRIFT = events.USAGE_DRIFT, "Seats in use drifted from the seats licensed"
    TEST = "test", "Test"


SUBSCRIBABLE = [event for event in Event if event != Event.TEST]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL of the MSP's own systems that is told about the events it subscribes to, each
    delivery signed with this endpoint's secret."""

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"], message=HTTP_URL)],
    )
    # Event names (``Event`` values), in the order of ``Event``.
    events = models.JSONField(default=list)
    # Kept in clear: every delivery is signed with it, and the Admin is shown it to check them.
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    is_active = models.BooleanField("Active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "url", "id"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [Event(name).label for name in self.events if name in Event.values]


class WebhookDelivery(Deliverable):
    """One event for one endpoint, written in the transaction of the change it reports and
    POSTed by a task. ``key`` is the delivery id the receiver sees (header and body): a retry
    sends the same one, so a receiver can drop what it has had already."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.UUIDField("delivery id", default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=30, choices=Event.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["endpoint", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} {self.key}"
