"""The new-business order of a prospect: a saved draft until it is submitted, then the record of
what was submitted (its priced lines are agreement version 1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

NOT_KNOWN = "Not Known"
OTHER = "Other"


class Question(models.TextChoices):
    """The drop-downs of the Infrastructure Information section, in the order shown."""

    MAIL_SERVER = "mail_server", "Mail Server"
    ARCHIVE_SOLUTION = "archive_solution", "Archive Solution"
    SECURITY_MSP = "security_msp", "Security MSP"
    SECURITY_ON_PREMISE = "security_on_premise", "Security On-Premise"
    CONTINUITY = "continuity", "Continuity"
    CITRIX = "citrix", "Citrix / Terminal Server"
    SERVER_OS = "server_os", "Server OS"
    SERVER_OS_EDITION = "server_os_edition", "Server OS Edition"
    AD_ENVIRONMENT = "ad_environment", "AD Environment"
    TWO_FACTOR = "two_factor", "2 Factor Authentication"


class InfrastructureChoice(models.Model):
    """One answer vendor staff offer for a question. "Not Known" and "Other" are always offered
    as well, so they are not rows."""

    question = models.CharField(max_length=30, choices=Question.choices)
    label = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    # For a Server OS Edition: the Server OS it belongs to (offered only once that OS is chosen).
    server_os = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="editions",
        limit_choices_to={"question": Question.SERVER_OS},
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["question", "position", "label"]
        constraints = [
            # Two constraints: NULLs never clash in a unique constraint, so one over
            # (question, server_os, label) would let every question but editions repeat a label.
            models.UniqueConstraint(
                fields=["question", "label"],
                condition=models.Q(server_os__isnull=True),
                name="one_infrastructure_label",
            ),
            models.UniqueConstraint(
                fields=["server_os", "label"],
                condition=models.Q(server_os__isnull=False),
                name="one_edition_label_per_os",
            ),
            models.CheckConstraint(
                condition=models.Q(server_os__isnull=True)
                | models.Q(question=Question.SERVER_OS_EDITION),
                name="only_editions_belong_to_an_os",
            ),
        ]

    def __str__(self) -> str:
        prefix = f"{self.server_os.label} · " if self.server_os_id else ""
        return f"{self.get_question_display()}: {prefix}{self.label}"

    def clean(self):
        if self.label.strip().lower() in {NOT_KNOWN.lower(), OTHER.lower()}:
            raise ValidationError({"label": f"“{NOT_KNOWN}” and “{OTHER}” are always offered."})
        if self.question == Question.SERVER_OS_EDITION and not self.server_os_id:
            raise ValidationError({"server_os": "Choose the Server OS this edition belongs to."})


class Submission(models.Model):
    """What an order and a change order both record when submitted: the Order Details, the
    form's idempotency key, and who accepted the two statements, when and from where (the
    addendum states them alike)."""

    order_number = models.CharField(max_length=60, blank=True)
    order_number_not_required = models.BooleanField(default=False)
    # Set on submit. The key comes from the form, so a second click, a second tab or a retry of
    # the same form finds what it already submitted.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_from_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def complete_once_submitted(unsubmitted: str, name: str) -> models.CheckConstraint:
        """Out of the ``unsubmitted`` status, the key, the agreement and the time are set."""
        return models.CheckConstraint(
            condition=models.Q(status=unsubmitted)
            | models.Q(
                idempotency_key__isnull=False,
                agreement__isnull=False,
                submitted_at__isnull=False,
            ),
            name=name,
        )


class Order(Submission):
    """The order form of one company. A draft while the company is a prospect ("Save Prospect
    and Exit"); submitted once, which makes agreement version 1. A former customer (every
    product ended) is reopened by a new order of its own: the next agreement version."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Saved"
        SUBMITTED = "submitted", "Submitted"

    # One order per opening of the company; the earlier ones stay as the record of what was
    # submitted then.
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="orders"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Question value → the label chosen (kept as text: the choices may be renamed later).
    infrastructure = models.JSONField(default=dict, blank=True)
    # Product code → {"commitment": "1y", "auto_renew": true}: the term chosen for it.
    terms = models.JSONField(default=dict, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    agreement = models.OneToOneField(
        "companies.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order",
    )
    msa_version = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            Submission.complete_once_submitted("draft", "submitted_order_is_complete"),
            # One order being written at a time: Save twice (two tabs) changes the same draft.
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(status="draft"),
                name="one_draft_order",
            ),
        ]
        # The home page's saved orders not submitted: the drafts alone, newest first.
        indexes = [
            models.Index(
                fields=["-saved_at"], condition=models.Q(status="draft"), name="order_drafts"
            )
        ]

    def __str__(self) -> str:
        return f"Order for {self.company} ({self.get_status_display()})"

    def answers(self) -> list[tuple[str, str]]:
        """(question label, answer) in the form's order."""
        return [
            (label, self.infrastructure.get(value, NOT_KNOWN)) for value, label in Question.choices
        ]
