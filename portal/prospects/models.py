"""An upload of prospects: the file, its progress, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from portal.accounts.models import DateOrder, DecimalMark


class ProspectImport(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        CHECKING = "checking", "Checking rows"
        SAVING = "saving", "Saving"
        DONE = "done", "Imported"
        INVALID = "invalid", "Not imported: errors"
        FAILED = "failed", "Not imported: failed"

    # While a file is waiting, being imported or imported, the same file cannot start again.
    HOLDS_FILE = [Status.PENDING, Status.CHECKING, Status.SAVING, Status.DONE]

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    # The file itself stays in the database: it is committed (and rolled back) with the row
    # and the task that reads it, and removed once the import is over.
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, message], …]
    error_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when checking starts: by then the import has ended, or it is ended as failed.
    deadline = models.DateTimeField(null=True, blank=True)
    # The regional format the uploader said the file is in ("": not said). It is used only
    # where the file's own cells do not settle it (regional.py).
    date_order = models.CharField(max_length=3, choices=DateOrder.choices, blank=True)
    decimal_mark = models.CharField(max_length=1, choices=DecimalMark.choices, blank=True)
    # Not imported because the file can be read two ways and nobody said which: the questions
    # to ask ("date_order", "decimal_mark"), space separated.
    asks = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "sha256"],
                condition=models.Q(status__in=["pending", "checking", "saving", "done"]),
                name="one_import_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.INVALID, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        # Checking is the first 80 %, saving in one transaction the rest.
        checked = 80 * self.checked_rows // self.total_rows
        return checked + (10 if self.status == self.Status.SAVING else 0)
