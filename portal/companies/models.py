"""A company moves Prospect → Customer (In Progress) → Customer (Complete); what a customer
has is kept as agreement versions, and files are kept on the company."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models.functions import Left, Lower, Upper
from django.template.defaultfilters import pluralize
from django.utils import timezone

from portal.catalog.models import CHARGE_CHOICES, TERM_CHOICES, Billing, Commitment

SORTABLE = [
    "name_key",
    "domain",
    "permitted_users",
    "lead_name",
    "expected_provision_date",
    "next_billing_date",
    "updated_at",
    "fee_seats",
    "monthly_fees",
]


class Company(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        IN_PROGRESS = "in_progress", "Customer (In Progress)"
        COMPLETE = "complete", "Customer (Complete)"
        # Every product ended (no auto-renew) at a renewal: kept, reopened by a new order.
        FORMER = "former", "Former customer"

    # The lifecycle only moves forward, one step at a time.
    TRANSITIONS = {
        Status.PROSPECT: {Status.IN_PROGRESS},
        # Back to a prospect only when the vendor rejects its order; a former customer
        # reopened by a new order the vendor rejects is a former customer again.
        Status.IN_PROGRESS: {Status.COMPLETE, Status.PROSPECT, Status.FORMER},
        Status.COMPLETE: {Status.FORMER},
        # A new order reopens a former customer: In Progress again until the vendor confirms.
        Status.FORMER: {Status.IN_PROGRESS},
    }

    class CompanyType(models.TextChoices):
        END_CUSTOMER = "end_customer", "End customer"
        PUBLIC_SECTOR = "public_sector", "Public sector"
        NON_PROFIT = "non_profit", "Non-profit"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    class Sector(models.TextChoices):
        FINANCE = "finance", "Finance and insurance"
        HEALTHCARE = "healthcare", "Healthcare"
        LEGAL = "legal", "Legal"
        MANUFACTURING = "manufacturing", "Manufacturing"
        RETAIL = "retail", "Retail"
        TECHNOLOGY = "technology", "Technology"
        TRANSPORT = "transport", "Transport and logistics"
        OTHER = "other", "Other"

    # No index of its own: every index below starts with the partner, and each one more costs
    # every insert (an upload writes 100,000s of rows).
    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="companies", db_index=False
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROSPECT)
    company_type = models.CharField(
        max_length=20, choices=CompanyType.choices, default=CompanyType.END_CUSTOMER
    )
    name = models.CharField("company name", max_length=200, help_text="Full legal name.")
    domain = models.CharField(max_length=253, blank=True)
    website = models.URLField(blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    implementation_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secondary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="secondary implementation contact",
    )
    # The lead's name as shown, kept here so the list can sort by it from an index.
    lead_name = models.CharField(max_length=150, blank=True, editable=False)
    # First letter of the name, for the A–Z links; the database keeps it in step.
    name_initial = models.GeneratedField(
        expression=Upper(Left("name", 1)),
        output_field=models.CharField(max_length=1),
        db_persist=True,
    )
    # The name as sorted: A→Z without regard to case, on every database.
    name_key = models.GeneratedField(
        expression=Lower("name"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )
    expected_provision_date = models.DateField(null=True, blank=True)
    permitted_users = models.PositiveIntegerField(null=True, blank=True)
    next_billing_date = models.DateField(null=True, blank=True)
    # What a customer pays, copied from its agreement in effect (before any sync: its new order
    # pending) by ``versions.company_fees_refresh`` whenever a version is made or moves: the
    # customer lists show, sort, filter and total these for 100,000 rows without reading lines.
    # A prospect's are its expected products (``CompanyProduct``), written with them by the
    # services and the upload (``services.product_codes``): the product filter reads one column.
    # A database default too: the upload and the benchmark insert rows with SQL of their own.
    fee_products = models.CharField(
        max_length=300, blank=True, default="", db_default="", editable=False
    )  # " S1 A1 "
    fee_seats = models.PositiveIntegerField(null=True, blank=True, editable=False)
    monthly_fees = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    fees_currency = models.CharField(
        max_length=3, blank=True, default="", db_default="", editable=False
    )
    # When the agreement in effect next renews, kept with the figures above: the earliest term
    # end of its lines (the renewal run's look-up), and of its commitment lines (1 or 3
    # years: the Renewals list and the term-end reminders, which monthly terms would swamp).
    renews_on = models.DateField(null=True, blank=True, editable=False)
    commitment_ends_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("partner", Lower("name"), name="company_name_unique_per_msp"),
            models.CheckConstraint(
                condition=models.Q(secondary_contact__isnull=True)
                | ~models.Q(secondary_contact=models.F("implementation_lead")),
                name="secondary_contact_differs_from_lead",
            ),
        ]
        # One index per sortable list column, so every sort reads a page straight from an index.
        indexes = [
            models.Index(
                fields=["partner", "status", column, "id"], name=f"company_by_{column[:18]}"
            )
            for column in SORTABLE
            if column != "next_billing_date"
        ] + [
            # The same, with the name after it: a billing date range's page (in name order) is
            # then read from this index alone, not from thousands of scattered rows (10–27 ms
            # on PostgreSQL for 30 days of 100,000 customers, 2 ms so).
            models.Index(
                fields=["partner", "status", "next_billing_date", "id", "name_key"],
                name="company_by_next_billing_date",
            ),
            models.Index(
                fields=["partner", "status", "name_initial", "name_key", "id"],
                name="company_list_az",
            ),
            models.Index(fields=["domain"], name="company_domain"),
            # The lists' filters. A lead's or a sector's rows: counted and probed per first
            # letter from these; a product's (codes kept on the company, see fee_products): the
            # sets of codes that hold it are skipped to, then read from this index alone.
            models.Index(
                fields=[
                    "partner",
                    "status",
                    "implementation_lead",
                    "name_initial",
                    "name_key",
                    "id",
                ],
                name="company_list_lead",
            ),
            models.Index(
                fields=["partner", "status", "sector", "name_initial", "name_key", "id"],
                name="company_list_sector",
            ),
            models.Index(
                fields=["partner", "status", "fee_products", "name_initial", "name_key", "id"],
                name="company_list_product_sets",
            ),
            # A billing date range's letters: each probe stops at its letter's first customer
            # in the range, where company_by_next_billing_date made it read the whole range
            # (27 probes: 42 ms on PostgreSQL at 100,000 customers, under 1 ms with this).
            models.Index(
                fields=["partner", "status", "name_initial", "next_billing_date"],
                name="company_list_billing",
            ),
            models.Index(
                fields=["partner", "status", "fees_currency", "monthly_fees"],
                name="company_fee_totals",
            ),
            # Renewals: the run's due customers across partners, and a partner's list.
            models.Index(
                fields=["renews_on", "id"],
                condition=models.Q(renews_on__isnull=False),
                name="company_renews_on",
            ),
            models.Index(
                fields=["partner", "renews_on", "id"],
                condition=models.Q(renews_on__isnull=False),
                name="company_partner_renews_on",
            ),
            models.Index(
                fields=["partner", "commitment_ends_on", "id"],
                condition=models.Q(commitment_ends_on__isnull=False),
                name="company_commitment_ends_on",
            ),
            # Customers | Renewals: a window's count and A–Z letters (one grouped read of the
            # initials), its name sort and its search, from the index alone (at 100,000
            # customers a 90-day window is 20,000 rows: 27 ms from the rows, 3 ms so).
            models.Index(
                fields=["partner", "commitment_ends_on", "name_initial", "name_key", "id"],
                condition=models.Q(commitment_ends_on__isnull=False),
                name="company_renewals_az",
            ),
            models.Index(
                fields=["partner", "renews_on", "name_initial", "name_key", "id"],
                condition=models.Q(renews_on__isnull=False),
                name="company_renewals_all_az",
            ),
            # Its pages by name: walked in name order, the window checked from the same entry
            # (the first page of a 90-day window sorted by name: 0.1 ms, not a 17 ms sort).
            models.Index(
                fields=["partner", "name_key", "id", "commitment_ends_on"],
                condition=models.Q(commitment_ends_on__isnull=False),
                name="company_renewals_by_name",
            ),
            models.Index(
                fields=["partner", "name_key", "id", "renews_on"],
                condition=models.Q(renews_on__isnull=False),
                name="company_renewals_all_by_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyProduct(models.Model):
    """A product a prospect is expected to buy, with its own seat count where it needs one."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="one_interest_per_product")
        ]

    def __str__(self) -> str:
        if not self.seats:
            return self.product.code
        return f"{self.product.code} ({self.seats} seat{pluralize(self.seats)})"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random folder keeps names unguessable and lets two files share a name.
    name = PurePosixPath(filename).name
    return f"attachments/{instance.company.partner_id}/{uuid.uuid4().hex}/{name}"


class Attachment(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """One version of what a customer has; each submitted order makes a new version."""

    class Status(models.TextChoices):
        NEW_ORDER_PENDING = "new_pending", "New Order Pending"
        UPSELL_PENDING = "upsell_pending", "Upsell Pending Order"
        DOWNSELL_PENDING = "downsell_pending", "Downsell Pending Order"
        UPGRADE_PENDING = "upgrade_pending", "Upgrade Pending Order"
        # Confirmed by the vendor, taking effect on a later date (a downsell at the next
        # billing date): the version in effect stays Active until then.
        SCHEDULED = "scheduled", "Scheduled"
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded"
        # The last version in effect of a customer whose every product ended at renewal
        # (auto-renew off): in effect until its effective_until, replaced by nothing.
        ENDED = "ended", "Ended"
        CANCELLED = "cancelled", "Cancelled"
        REJECTED = "rejected", "Rejected"

    PENDING = {
        Status.NEW_ORDER_PENDING,
        Status.UPSELL_PENDING,
        Status.DOWNSELL_PENDING,
        Status.UPGRADE_PENDING,
    }
    CLOSED = {Status.SUPERSEDED, Status.ENDED, Status.CANCELLED, Status.REJECTED}

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    total_users = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    # The first day the version is (or will be) in effect; until confirmed, the day it is
    # expected to. Once another version replaces it (or is scheduled to), the day it stops:
    # [effective_from, effective_until) of the versions that are or were in effect never
    # overlap (on PostgreSQL an exclusion constraint, migration 0015, holds it).
    effective_from = models.DateField(default=timezone.localdate)
    effective_until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["company", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["company", "version"], name="one_agreement_version"),
            # One change at a time: a second submit that passed every check still fails here.
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(
                    status__in=[
                        "new_pending",
                        "upsell_pending",
                        "downsell_pending",
                        "upgrade_pending",
                    ]
                ),
                name="one_pending_agreement",
            ),
            # Exactly one version in effect, at most one waiting for its date.
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(status="active"),
                name="one_agreement_in_effect",
            ),
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(status="scheduled"),
                name="one_scheduled_agreement",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="agreement_ends_after_it_starts",
            ),
        ]
        # The home page's rejections (pending versions have one_pending_agreement's index).
        indexes = [
            models.Index(
                fields=["-created_at"],
                condition=models.Q(status="rejected"),
                name="agreement_rejected",
            ),
            # The scheduled job's look-up: only the versions waiting for their date.
            models.Index(
                fields=["effective_from", "id"],
                condition=models.Q(status="scheduled"),
                name="agreement_scheduled_due",
            ),
            # The version in effect of each of many customers at once (the dashboard's
            # renewals), read from the index alone.
            models.Index(
                fields=["company", "id"],
                condition=models.Q(status="active"),
                name="agreement_active_by_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} v{self.version} ({self.get_status_display()})"


class AgreementLine(models.Model):
    """A product on an agreement version.

    Prices are copied here at order time: a later price-list change must never rewrite what the
    customer signed for.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    term = models.CharField(max_length=10, choices=TERM_CHOICES)
    charge = models.CharField(max_length=10, choices=CHARGE_CHOICES)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    payment = models.DecimalField(max_digits=14, decimal_places=2)
    # The subscription term (``term`` above is the price's: per month, per year or once). A
    # one-time charge has none of these: commitment and billing "", no dates, no renewal.
    commitment = models.CharField(
        "term", max_length=7, choices=Commitment.choices, blank=True, default=""
    )
    billing = models.CharField(
        "billing frequency", max_length=7, choices=Billing.choices, blank=True, default=""
    )
    # [term_start, term_end): the term renews (or ends) on term_end. Empty until provisioned.
    term_start = models.DateField(null=True, blank=True)
    term_end = models.DateField(null=True, blank=True)
    auto_renew = models.BooleanField(default=True)

    class Meta:
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "product"], name="one_line_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.quantity}"


class CompanyTally(models.Model):
    """How many companies a partner has in each status, kept by database triggers.

    Counting 100,000 rows on every list page costs more than the page itself; the triggers
    (migration 0004) keep this in step with every insert, delete and status change, whatever
    makes it (a service, a bulk import, COPY).
    """

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Company.Status.choices)
    count = models.BigIntegerField(default=0)
    # One more for every write to what the partner's list in this status shows (migration
    # 0021): its companies, their orders, the leads and products its filters offer.
    changes = models.BigIntegerField(db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "status"], name="one_tally_per_status")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.status}: {self.count}"


class CustomerDay(models.Model):
    """A day on which a customer's recurring fees, or the lines they are made of, change: its
    figures from that day on (``monthly``), as its partner's figures last counted them.

    Kept so that a change of its versions adds to its partner's ``PartnerMonth`` and
    ``PartnerLineDay`` rows only the difference it makes. Amounts in cents.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    fees = models.BigIntegerField()  # cents: the monthly-term lines' payments
    # Every line by "term|charge|unit_price|code": [seats or units, lines].
    lines = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "day"], name="one_customer_day")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.day}: {self.fees}"


class PartnerMonth(models.Model):
    """What the changes of a partner's customers' recurring fees add up to on a month's first
    day: the net change and its kinds (new, expansion, contraction, lost), in cents, with how
    many customers made each. The fees on a day are the nets of the months up to it added up.

    Kept in step by ``monthly.figures_refresh`` in the transactions that move versions, so that
    the dashboards read a few rows a month rather than every line of 100,000 versions.
    """

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    net = models.BigIntegerField(default=0)
    new = models.BigIntegerField(default=0)
    expansion = models.BigIntegerField(default=0)
    contraction = models.BigIntegerField(default=0)
    lost = models.BigIntegerField(default=0)
    new_customers = models.IntegerField(default=0)
    expansion_customers = models.IntegerField(default=0)
    contraction_customers = models.IntegerField(default=0)
    lost_customers = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "month"], name="one_partner_month")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month}: {self.net}"


class PartnerLineDay(models.Model):
    """The change on a day of a partner's lines in effect at one term, charge, code and
    contracted unit price: seats (or units) and lines, added or taken away. Their running
    totals price a month at the MSP's own prices, and count the seats of each product."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    term = models.CharField(max_length=10, choices=TERM_CHOICES)
    charge = models.CharField(max_length=10, choices=CHARGE_CHOICES)
    code = models.CharField(max_length=20)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    quantity = models.BigIntegerField(default=0)
    lines = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "day", "term", "charge", "code", "unit_price"],
                name="one_partner_line_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.code} {self.unit_price}: {self.quantity}"


# Prospects and customers are companies in a status: the same rows, named as the seeds name them.


class ProspectManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=Company.Status.PROSPECT)


class CustomerManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().exclude(status=Company.Status.PROSPECT)


class Prospect(Company):
    """A company without a submitted order: the Prospect List."""

    objects = ProspectManager()

    class Meta:
        proxy = True


class Customer(Company):
    """A company whose order is submitted: Customers | In Progress, then Complete."""

    objects = CustomerManager()

    class Meta:
        proxy = True


class CustomerContact(models.Model):
    """A person at the customer the MSP deals with (not a portal user: no login)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField("e-mail", max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["company", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class CustomerNote(models.Model):
    """A note on a company by one of the MSP's users; only its author or an Admin changes it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company", "-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at", "-id"], name="note_newest_first")]

    def __str__(self) -> str:
        return self.text[:60]
