"""The outbox's rows: what every kind's model inherits (``Deliverable``), and core's own kind,
e-mail (``OutgoingMessage`` with its attachments; registered with the ``core`` app)."""

from django.db import models
from django.utils import timezone

from ..logs import current_request_id

QUEUED = "queued"
SENT = "sent"
FAILED = "failed"


class Deliverable(models.Model):
    """The bookkeeping every outbox row needs; ``status`` is the model's own, with at least
    ``queued``, ``sent`` and ``failed``."""

    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # The request (or task) that wrote the row: its delivery logs and sends it on.
    # (db_default: a web process of the release before still inserts rows without it.)
    request_id = models.CharField(
        max_length=64, blank=True, default=current_request_id, db_default="", editable=False
    )

    class Meta:
        abstract = True


class OutgoingMessage(Deliverable):
    """An e-mail written in the transaction of the change it reports, sent later by a task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    partner = models.ForeignKey(
        "accounts.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    template = models.CharField(max_length=100)
    to = models.JSONField()
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class OutgoingAttachment(models.Model):
    # Kept in the database rather than file storage so that it rolls back with the message.
    message = models.ForeignKey(OutgoingMessage, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.filename
