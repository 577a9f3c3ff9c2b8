"""Shared records: the history log and task workers' signs of life. The outbox of e-mail is
``outbox.models``'s, imported here so that it loads with the app's models."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .outbox.models import OutgoingAttachment, OutgoingMessage

__all__ = ["HistoryEntry", "OutgoingAttachment", "OutgoingMessage", "WorkerBeat"]


class HistoryEntry(models.Model):
    """Who did what to which object, when, with the before/after of the changed fields."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        STATUS = "status", "Status changed"
        ORDER = "order", "Order"
        REMINDER = "reminder", "Reminder sent"

    partner = models.ForeignKey(
        "accounts.Partner", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The MSP's own business (its selling prices, its margins): never shown to vendor staff.
    msp_only = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "history entries"
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"]),
            models.Index(fields=["partner", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.object_repr}: {self.summary}"


class WorkerBeat(models.Model):
    """A task worker's sign of life, renewed every few seconds while it runs (a thread of its
    own, so a long task does not hold it up) and removed when it stops cleanly. A task left
    running under a worker whose beat is old was stranded by that worker's death."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.host} ({self.pid})"


class ScheduledRun(models.Model):
    """A periodic job enqueued for one minute of its schedule: the first scheduler to write
    it enqueues the task, a second scheduler running at the same time finds it there and
    does not (``portal_scheduler``). Kept a week (the ``purge`` job)."""

    job = models.CharField(max_length=200)
    slot = models.DateTimeField()  # the minute of the schedule it is for
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_job_and_slot")
        ]
        indexes = [models.Index(fields=["enqueued_at"], name="scheduled_run_enqueued")]

    def __str__(self) -> str:
        return f"{self.job} at {self.slot:%Y-%m-%d %H:%M}"


class RateCount(models.Model):
    """Requests of one token, user or MSP (or wrong tokens from one address) in one window of
    time."""

    who = models.CharField(max_length=100)
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    class Meta:
        # Made by the api app, which counted its rates first; the table kept its name.
        db_table = "api_ratecount"
        constraints = [
            models.UniqueConstraint(fields=["who", "window_start"], name="rate_count_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_count_window_idx")]

    def __str__(self) -> str:
        return f"{self.who} @ {self.window_start}: {self.count}"
