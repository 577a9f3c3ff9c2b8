"""Reminders: what the reminders job sent (each once: a unique key), to whom, in which daily
digest, and what each MSP and each user chose to get."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.core import events

# The days before a term ends that its reminders go out, unless the MSP chose others.
DEFAULT_TERM_DAYS = [60, 30, 7]


class Kind(models.TextChoices):
    TERM_ENDING = "term_ending", "Term ending"
    RENEWAL_DEADLINE = "renewal_deadline", "Renewal deadline"
    DOWNSELL_DEADLINE = "downsell_deadline", "Downsell cancel deadline"
    QUOTE_EXPIRING = "quote_expiring", "Saved quote about to expire"
    RFI_UNANSWERED = "rfi_unanswered", "Request for Information not answered"
    ORDER_NOT_SUBMITTED = "order_not_submitted", "Saved order not submitted"


# Each kind's webhook event (the business event the webhooks subscribe to).
EVENT = {
    Kind.TERM_ENDING: events.RENEWAL_UPCOMING,
    Kind.RENEWAL_DEADLINE: events.RENEWAL_DEADLINE,
    Kind.DOWNSELL_DEADLINE: events.DOWNSELL_DEADLINE,
    Kind.QUOTE_EXPIRING: events.QUOTE_EXPIRING,
    Kind.RFI_UNANSWERED: events.RFI_UNANSWERED,
    Kind.ORDER_NOT_SUBMITTED: events.ORDER_NOT_SUBMITTED,
}


class Reminder(models.Model):
    """One reminder, sent once: the unique key (kind, object, deadline, days) is what makes a
    second run, or a second worker at the same moment, send nothing more."""

    kind = models.CharField(max_length=20, choices=Kind.choices)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    # The customer or prospect it is about (its History Log lists the reminder).
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    # What it is about: the company (a term), the change order (downsell, quote), the RFI or
    # the order.
    object_id = models.PositiveBigIntegerField()
    # The date it is about: the term end (both term kinds), the downsell's cancel-by day, the
    # quote's last valid day, the day the RFI was sent or the order saved.
    deadline = models.DateField()
    # Days before the deadline (after it: the RFI and the order) the reminder is for.
    days = models.PositiveSmallIntegerField()
    sent_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # The batch that wrote it: a run reads back by it which rows were its own (a conflicting
    # row, written by another run, keeps that run's).
    run = models.UUIDField(db_index=True)
    title = models.CharField(max_length=300)
    facts = models.JSONField(default=list)  # [[label, value], …] as the e-mail lists them
    url = models.CharField(max_length=300)  # the page where to act, from the site's root

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "deadline", "days"], name="one_reminder_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Digest(models.Model):
    """A user's daily digest: one per user and day (the key), gathering the reminders of the
    kinds they get as a digest not yet in one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    run = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_and_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day} for user {self.user_id}"


class Recipient(models.Model):
    """A reminder for a user's daily digest (those e-mailed one by one are in the e-mail's
    ``to`` and the History Log); ``digest`` once a digest has gathered it."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="one_copy_per_recipient")
        ]
        indexes = [
            # The daily digest's look-up: only the reminders still waiting for one.
            models.Index(
                fields=["user"],
                condition=models.Q(digest__isnull=True),
                name="reminder_waiting_for_digest",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.reminder_id} to user {self.user_id}"


class TermDays(models.Model):
    """An MSP's days before a term ends that its reminders go out (``DEFAULT_TERM_DAYS``
    without a row). Its Admins set them on the reminder preferences page."""

    partner = models.OneToOneField(
        "accounts.Partner", on_delete=models.CASCADE, related_name="reminder_term_days"
    )
    days = models.JSONField(default=list)  # descending, distinct, each 1–365
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "term reminder days"
        verbose_name_plural = "term reminder days"

    def __str__(self) -> str:
        return f"Term reminders of {self.partner}: {', '.join(map(str, self.days))} days"


class Delivery(models.TextChoices):
    EMAIL = "email", "E-mail each one"
    DIGEST = "digest", "In the daily digest"
    OFF = "off", "Off"


class Preference(models.Model):
    """How a user gets one kind of reminder; without a row, an e-mail each."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=6, choices=Delivery.choices, default=Delivery.EMAIL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_delivery_display()}"
