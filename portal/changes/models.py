"""Change orders on a customer: a saved quote until submitted, then the record of the change
that made a new agreement version."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.catalog.models import CHARGE_CHOICES, TERM_CHOICES
from portal.orders.models import Submission


class ChangeOrder(Submission):
    class Status(models.TextChoices):
        QUOTE = "quote", "Saved quote"
        SUBMITTED = "submitted", "Submitted"

    class Mode(models.TextChoices):
        """The primary product choice of the change form."""

        KEEP = "keep", "Keep Existing"
        ADD = "add", "Add to"
        NEW = "new", "Select New"

    class Kind(models.TextChoices):
        UPSELL = "upsell", "Upsell"
        DOWNSELL = "downsell", "Downsell"
        UPGRADE = "upgrade", "Upgrade"

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="change_orders"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUOTE)
    # The agreement version in effect that this change compares with.
    prior = models.ForeignKey("companies.Agreement", on_delete=models.CASCADE, related_name="+")
    seats = models.PositiveIntegerField("Total Number of Seats")
    implementation_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(max_length=4, choices=Mode.choices, default=Mode.KEEP)
    # The primary product added (Add to) or chosen instead (Select New).
    primary = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Add-on code → its own seat count, or None for one that takes the total.
    addons = models.JSONField(default=dict, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    currency = models.CharField(max_length=3)
    valid_until = models.DateField(null=True, blank=True)
    # The agreement version the submitted change made.
    agreement = models.OneToOneField(
        "companies.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_order",
    )
    # A downsell takes effect at a billing date and can be cancelled until its deadline.
    effective_on = models.DateField(null=True, blank=True)
    cancel_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            Submission.complete_once_submitted("quote", "submitted_change_is_complete"),
        ]
        # The home page's quotes about to expire and downsell deadlines: only the rows due.
        indexes = [
            models.Index(
                fields=["valid_until"],
                condition=models.Q(status="quote"),
                name="change_quote_expiry",
            ),
            models.Index(
                fields=["cancel_by"],
                condition=models.Q(kind="downsell", status="submitted"),
                name="change_downsell_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.company} ({self.get_status_display()})"


class ChangeLine(models.Model):
    """One product of the Change Order Summary, priced when the quote was made: what it was
    (prior_*, empty for a product added) and what it will be (empty for a product dropped)."""

    change_order = models.ForeignKey(ChangeOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    term = models.CharField(max_length=10, choices=TERM_CHOICES)
    charge = models.CharField(max_length=10, choices=CHARGE_CHOICES)
    prior_quantity = models.PositiveIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    prior_unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    prior_payment = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    payment = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The new line's term as quoted (empty for a one-time or dropped product), and the product
    # whose term an added one joins (co-terming): the addendum states them.
    commitment = models.CharField(max_length=7, blank=True, default="")
    term_end = models.DateField(null=True, blank=True)
    co_termed_with = models.CharField(max_length=20, blank=True, default="")
    # The first charge of a product bought or increased mid-period: its added recurring fee
    # for [today, period_end) of the billing period [period_start, period_end). Stored as
    # quoted, so that the saved quote and the addendum show the same figure.
    prorated_charge = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    prorated_from = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["change_order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_order", "product"], name="one_change_line_per_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.prior_quantity or 0} → {self.quantity or 0}"

    # What a prorated charge is made of, as the review and the addendum state it.
    @property
    def added_fee(self):
        return self.payment - (self.prior_payment or 0)

    @property
    def days_left(self) -> int:
        return (self.period_end - self.prorated_from).days

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days
