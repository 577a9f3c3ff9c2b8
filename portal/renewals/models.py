"""Changes an MSP schedules for a term's renewal: fewer seats, the product removed, another
term. Each applies to one renewal (``renews_on``, the line's term end) and can be cancelled
until the product's renewal deadline; the renewal run applies it (``applied_at``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.catalog.models import Commitment


class RenewalChange(models.Model):
    class Kind(models.TextChoices):
        SEATS = "seats", "Fewer seats"
        REMOVE = "remove", "Product removed"
        TERM = "term", "Another term"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        APPLIED = "applied", "Applied"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="renewal_changes"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    # The renewal it is for: the term end of the line when it was scheduled.
    renews_on = models.DateField()
    kind = models.CharField(max_length=6, choices=Kind.choices)
    seats = models.PositiveIntegerField(null=True, blank=True)  # Fewer seats: the new count
    commitment = models.CharField(  # Another term: the term it renews on
        "term", max_length=7, choices=Commitment.choices, blank=True, default=""
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.SCHEDULED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # The version the renewal made with it.
    agreement = models.ForeignKey(
        "companies.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["renews_on", "code", "kind"]
        constraints = [
            # One of each kind per product at a time: a second submit of the same form fails.
            models.UniqueConstraint(
                fields=["company", "product", "kind"],
                condition=models.Q(status="scheduled"),
                name="one_scheduled_renewal_change",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="seats") | models.Q(seats__gte=1),
                name="renewal_seats_given",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="term") | ~models.Q(commitment=""),
                name="renewal_term_given",
            ),
        ]
        indexes = [
            # The renewal run's and the Renewals list's look-up of what is scheduled.
            models.Index(
                fields=["company", "renews_on"],
                condition=models.Q(status="scheduled"),
                name="renewal_change_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.describe()} at renewal on {self.renews_on}"

    def describe(self) -> str:
        match self.kind:
            case self.Kind.SEATS:
                return f"{self.seats:,} seats"
            case self.Kind.REMOVE:
                return "removed"
            case _:
                return f"renews on a {Commitment(self.commitment).label}"
