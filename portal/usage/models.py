"""What the vendor says is in use: its signed usage reports, and one figure per customer,
product and day."""

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

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    day = models.DateField()
    in_use = models.PositiveIntegerField()
    reported_at = models.DateTimeField()
    report = models.ForeignKey(
        UsageReport, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "product", "day"], name="one_usage_figure_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.product_id} {self.day}: {self.in_use}"
