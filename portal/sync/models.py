"""What the portal tells the vendor's provisioning system, and what the vendor answers."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.core.outbox import Deliverable


class ProvisioningRequest(Deliverable):
    """One order, change order, downsell cancellation or renewal for the vendor to provision,
    written in the transaction that made it (outbox) and delivered by a task."""

    class Action(models.TextChoices):
        ORDER = "order", "New order"
        CHANGE = "change", "Change order"
        CANCEL = "cancel", "Downsell cancellation"
        # The answers of a new customer's Request for Information, one request per version.
        RFI = "rfi", "Request for Information"
        # The renewal run's: the version a renewal made (its agreement, with "renewal": what
        # renewed and what ended), and a customer whose every product ended (its last
        # version, Ended). The vendor's answer moves no version: the renewal has happened.
        RENEWAL = "renewal", "Renewal"
        END = "end", "End of agreement"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Delivered, awaiting confirmation"
        SYNCED = "synced", "Synced"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    SETTLED = {Status.SYNCED, Status.REJECTED}

    # The idempotency key: the vendor provisions each key once, however often it arrives.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="provisioning_requests"
    )
    agreement = models.ForeignKey(
        "companies.Agreement", on_delete=models.CASCADE, related_name="provisioning_requests"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    # The version of the RFI answers it carries (0 for every other action).
    revision = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    payload = models.JSONField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # However an order is retried, the vendor gets one request for each step of it (and
            # for each version of the RFI answers).
            models.UniqueConstraint(
                fields=["agreement", "action", "revision"],
                name="one_request_per_agreement_action_revision",
            )
        ]

    def __str__(self) -> str:
        version = self.payload["agreement"]["version"]
        return f"{self.get_action_display()} {self.key} (agreement version {version})"


class ProvisioningCallback(models.Model):
    """Every signed confirmation received, refused ones too: what the vendor said and what came
    of it. Callbacks without a valid signature are only counted (``RefusedCallbacks``)."""

    class Source(models.TextChoices):
        VENDOR = "vendor", "Vendor callback"
        SIMULATOR = "simulator", "Simulated provisioner"
        STAFF = "staff", "Vendor staff"

    request = models.ForeignKey(
        ProvisioningRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="callbacks",
    )
    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, choices=Source.choices)
    outcome = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    http_status = models.PositiveSmallIntegerField()
    result = models.CharField(max_length=300)
    # A signature is unique to one timestamp and body: the same one twice is a replay.
    signature = models.CharField(max_length=100, null=True, blank=True, unique=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.get_source_display()}: {self.result}"


class RefusedCallbacks(models.Model):
    """Callbacks refused before their body was read: no signature, a wrong one, or a timestamp
    out of range. Anyone can post those, so they are counted, one row per reason, never stored
    one by one. What vendor staff need to find a wrong secret or a wrong clock: how many, since
    when, and the latest one's time, address and error."""

    class Reason(models.TextChoices):
        UNSIGNED = "unsigned", "No signature headers"
        MALFORMED = "malformed", "Timestamp is not a Unix time"
        MISMATCH = "mismatch", "Signature does not match (a wrong secret?)"
        EXPIRED = "expired", "Timestamp too old or ahead (a replay, or a wrong clock?)"

    reason = models.CharField(max_length=10, choices=Reason.choices, unique=True)
    count = models.PositiveBigIntegerField(default=0)
    first_at = models.DateTimeField("first", default=timezone.now)
    last_at = models.DateTimeField("latest", default=timezone.now)
    last_remote_addr = models.GenericIPAddressField("latest from", null=True, blank=True)
    last_error = models.CharField("latest error", max_length=300)

    class Meta:
        ordering = ["-last_at"]
        verbose_name = "refused callbacks (unsigned or stale)"
        verbose_name_plural = "refused callbacks (unsigned or stale)"

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.count}"
