"""The Request for Information of a new customer: the technical details the vendor needs to
provision it, answered through a signed link e-mailed to the implementation lead."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from portal.companies.models import Company

MAX_MAILBOXES = 1_000_000

# The answers, in the order the form shows them.
ANSWER_FIELDS = [
    "contact_name",
    "contact_email",
    "contact_phone",
    "additional_domains",
    "inbound_hosts",
    "outbound_smarthost",
    "mailbox_count",
    "go_live_date",
    "notes",
]


class InformationRequest(models.Model):
    """One per customer. Sent when the order is submitted (and again on Resend); Submitted once
    the form has been saved. Each saved version of the answers goes to the vendor as a
    provisioning step of its own (``portal.sync``), and the answers stay editable until the
    vendor confirms: the customer is In Progress until then."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        SUBMITTED = "submitted", "Submitted"

    class Vendor(models.IntegerChoices):
        """Where the newest answers are with the vendor; in this order, which the In Progress
        list sorts by."""

        NONE = 0, "Not answered"
        QUEUED = 1, "Waiting to be sent to the vendor"
        SENT = 2, "Sent to vendor"
        RETURNED = 3, "Returned by the vendor"
        CONFIRMED = 4, "Confirmed"

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="rfi")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    sent_to = models.EmailField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    times_sent = models.PositiveIntegerField(default=0)
    # Part of the signed link: each send raises it, so only the newest link opens the form.
    link_version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    contact_name = models.CharField("technical contact name", max_length=150, blank=True)
    contact_email = models.EmailField("technical contact e-mail", blank=True)
    contact_phone = models.CharField("technical contact phone", max_length=40, blank=True)
    additional_domains = models.TextField(
        "additional domains",
        blank=True,
        help_text="One domain per line, besides the company's main domain.",
    )
    inbound_hosts = models.TextField(
        "inbound mail hosts / IPs",
        blank=True,
        help_text="One host name, IP address or network (like 192.0.2.0/24) per line.",
    )
    outbound_smarthost = models.CharField(
        "outbound smarthost",
        max_length=270,
        blank=True,
        help_text="Host name or IP address, with :port if not 25, like smtp.example.com:587.",
    )
    mailbox_count = models.PositiveIntegerField(
        "mailbox count",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MAILBOXES)],
    )
    go_live_date = models.DateField("desired go-live date", null=True, blank=True)
    notes = models.TextField(max_length=5000, blank=True)

    # Raised by every save that changes the answers: the vendor gets each version once.
    answers_version = models.PositiveIntegerField(default=0)
    vendor_state = models.PositiveSmallIntegerField(choices=Vendor.choices, default=Vendor.NONE)
    vendor_state_at = models.DateTimeField(null=True, blank=True)
    vendor_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "request for information"
        verbose_name_plural = "requests for information"

    def __str__(self) -> str:
        return f"Request for Information of {self.company}"

    @property
    def is_editable(self) -> bool:
        """Answers can change until the vendor confirms the order, i.e. while the customer is
        In Progress (the vendor's confirmation moves it on to Complete)."""
        return (
            self.company.status == Company.Status.IN_PROGRESS
            and self.vendor_state != self.Vendor.CONFIRMED
        )

    def progress(self) -> str:
        """One line for the In Progress list: not answered, sent to the vendor, confirmed."""
        if self.status == self.Status.SENT:
            return "Not answered"
        when = self.vendor_state_at
        day = f" {timezone.localtime(when):%Y-%m-%d}" if when else ""
        if self.vendor_state == self.Vendor.SENT:
            return f"Sent to vendor{day}"
        if self.vendor_state == self.Vendor.CONFIRMED:
            return f"Confirmed{day}"
        if self.vendor_state == self.Vendor.RETURNED:
            return f"Returned by the vendor{day}: {self.vendor_reason}"
        return "Answered, waiting to be sent to the vendor"

    @classmethod
    def answer_label(cls, name: str) -> str:
        """The label an answer has on the form, in the History Log and on the customer page."""
        label = str(cls._meta.get_field(name).verbose_name)
        return label[:1].upper() + label[1:]  # not capitalize(): it would lower "IPs"

    def answer_rows(self) -> list[tuple[str, object]]:
        """(label, value) of every answer, in the form's order."""
        return [(self.answer_label(name), getattr(self, name)) for name in ANSWER_FIELDS]


def rfi_progress_of(company: Company) -> str:
    """Where the company's RFI is, in a few words (``rfi`` read with it, or one query)."""
    rfi = getattr(company, "rfi", None)
    return rfi.progress() if rfi is not None else "Not sent"


def rfi_summary_of(company: Company) -> dict | None:
    """The RFI's state for the API: where it is, in words and as a code; None if none was sent.
    The answers themselves are the customer's and stay in the portal."""
    rfi = InformationRequest.objects.filter(company=company).first()
    if rfi is None:
        return None
    not_answered = rfi.status == InformationRequest.Status.SENT
    return {
        "status": "not_answered"
        if not_answered
        else InformationRequest.Vendor(rfi.vendor_state).name.lower(),
        "label": rfi.progress(),
        "answers_version": rfi.answers_version,
        "submitted_at": rfi.submitted_at,
        "vendor_updated_at": rfi.vendor_state_at,
        "editable": rfi.is_editable,
    }
