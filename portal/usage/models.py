"""What the vendor says is in use: its signed usage reports, and one figure per customer,
product and day."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class UsageReport(models.Model):
    """A usage report as the vendor sent it: one batch, taken once (``report_id``)."""

    class Source(models.TextChoices):
        VENDOR = "vendor", "Vendor"
        SIMULATOR = "simulator", "Simulated provisioner"

    report_id = models.UUIDField(unique=True)
    # The vendor's own time of the report: of two figures for one day, the newer report's wins,
    # whatever order they arrive in.
    reported_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    figures = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.VENDOR)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Usage report {self.report_id} ({self.figures} figures)"


class UsageFigure(models.Model):
    """How many of a product a customer had in use on a day (seats, mailboxes: whatever the
    product counts), from the newest report that said so.

    Millions of rows written 10,000 at a time: the references are not checked by the database
    row by row (``db_constraint=False``) but by ``reports.read`` before a report is taken.
    """

    # The key is the one index: every index costs each of the millions of rows written (a
    # surrogate id's cost a third of the writing), and a product is deleted once in a blue moon.
    pk = models.CompositePrimaryKey("company", "product", "day")
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    day = models.DateField()
    in_use = models.PositiveIntegerField()
    reported_at = models.DateTimeField()
    report = models.ForeignKey(
        UsageReport,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    def __str__(self) -> str:
        return f"{self.company_id} {self.product_id} {self.day}: {self.in_use}"


class BilledSeats(models.Model):
    """What the MSP's PSA bills a customer for a product: every entry is kept (the history);
    the latest one is what the customer is billed now."""

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered on the customer page"
        UPLOADED = "uploaded", "Uploaded"
        API = "api", "API"
        TRUE_UP = "true_up", "Bill these seats"

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["company", "product", "-entered_at", "-id"]
        indexes = [
            models.Index(fields=["company", "product", "-entered_at", "-id"], name="billed_latest")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.product_id}: {self.seats} billed"


def _more(a: str, b: str):
    """``a`` − ``b`` where ``a`` is the larger, else 0 (a missing figure: 0)."""
    return models.Case(
        models.When(**{f"{a}__gt": models.F(b)}, then=models.F(a) - models.F(b)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )


class Reconciliation(models.Model):
    """One customer and product as Customers | Reconciliation lists it, kept in step by
    ``reconciliation.refresh``: licensed (the version in effect), used (the latest usage
    figure), billed (the latest PSA entry) and what the differences cost per month.

    The differences and the money at stake are generated columns, so that the list sorts on
    an index whatever the number of customers."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=20)
    # The customer's name as the list sorts and searches it (``Company.name_key``) and its
    # implementation lead, kept on the row so that the name sort and the lead filter read an
    # index of their own instead of a join to every company of the MSP: written with a new
    # row, and by a database trigger when the company's change (migration 0004).
    name_key = models.CharField(max_length=200, blank=True, default="", editable=False)
    implementation_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # reconciliation_by_lead starts with the partner
        editable=False,
    )
    licensed = models.PositiveIntegerField(default=0)
    used = models.PositiveIntegerField(null=True, blank=True)
    used_on = models.DateField(null=True, blank=True)
    billed = models.PositiveIntegerField(null=True, blank=True)
    billed_at = models.DateTimeField(null=True, blank=True)
    # A seat a month at the contracted price (an annual price over 12), and at the MSP's own
    # price (``own_price`` False: none set, so valued at the contracted price).
    cost = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    price = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    own_price = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, blank=True)
    above = models.GeneratedField(  # used above licensed: a true-up is due
        expression=_more("used", "licensed"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    below = models.GeneratedField(  # licensed above used: shelfware
        expression=_more("licensed", "used"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    unbilled = models.GeneratedField(  # used above billed: revenue not collected
        expression=_more("used", "billed"),
        output_field=models.IntegerField(),
        db_persist=True,
    )
    at_stake = models.GeneratedField(
        expression=(_more("used", "licensed") + _more("licensed", "used")) * models.F("cost")
        + _more("used", "billed") * models.F("price"),
        output_field=models.DecimalField(max_digits=18, decimal_places=4),
        db_persist=True,
    )
    # The drift (used − licensed) last told by a usage.drift webhook: told again once it grows.
    drift_told = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="one_reconciliation_row")
        ]
        indexes = [
            models.Index(fields=["partner", "-at_stake", "-id"], name="reconciliation_at_stake"),
            models.Index(fields=["partner", "name_key", "id"], name="reconciliation_by_name"),
            models.Index(
                fields=["partner", "implementation_lead", "-at_stake", "-id"],
                name="reconciliation_by_lead",
            ),
            # The product filter in the default sort, and which products the MSP's rows have.
            models.Index(
                fields=["partner", "code", "-at_stake", "-id"], name="reconciliation_by_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.code}: {self.licensed}/{self.used}/{self.billed}"


class ReconciliationDue(models.Model):
    """A customer whose reconciliation rows are to be worked out again: its versions, usage or
    prices changed. One cheap insert where the change happens (a scheduled job's batch, a
    usage report); ``reconciliation.refresh_due`` does the work."""

    company = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"Reconciliation due: {self.company_id}"


class UsageDigest(models.Model):
    """The weekly reconciliation digest of one MSP: one row per MSP and week, inserted once
    however often the job runs (``run``: the job run that inserted it, and so sends it)."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()  # its Monday
    run = models.UUIDField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "week"], name="one_usage_digest_a_week")
        ]

    def __str__(self) -> str:
        return f"Reconciliation digest of {self.partner_id}, week of {self.week}"


class UsageReportDue(models.Model):
    """A usage report whose customers are still to be marked due: one row written with the
    report (its 10,000 figures' customers are marked by ``reconciliation.refresh_due``, out of
    the vendor's request)."""

    report = models.OneToOneField(
        UsageReport, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    # The report's customers, as it was read: marked due from here, not by reading its figures
    # again (an index of the figures by report would cost every row written).
    companies = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Usage report {self.report_id} to reconcile"
