"""The vendor's catalog, its versioned list prices and each partner's contracted prices."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from portal.pricing import Charge, Term

TERM_CHOICES = [
    (Term.MONTHLY.value, "Monthly"),
    (Term.ANNUAL.value, "Annual"),
    (Term.ONE_TIME.value, "One Time"),
]
CHARGE_CHOICES = [(Charge.PER_SEAT.value, "Per seat"), (Charge.FLAT.value, "Flat")]


class Commitment(models.TextChoices):
    """How long a subscription line runs before it renews (its *term*)."""

    MONTHLY = "monthly", "Monthly"
    ONE_YEAR = "1y", "1-year commitment"
    THREE_YEARS = "3y", "3-year commitment"

    @property
    def months(self) -> int:
        return {"monthly": 1, "1y": 12, "3y": 36}[self.value]


class Billing(models.TextChoices):
    """How often a line is invoiced: a product priced per year is billed annually."""

    MONTHLY = "monthly", "Monthly"
    ANNUAL = "annual", "Annual"


class FewerSeats(models.TextChoices):
    """When the seats of a commitment may go down (a monthly term's always may, at its next
    billing date after the partner's notice days)."""

    AT_RENEWAL = "renewal", "Only at renewal"
    AT_BILLING_DATE = "billing", "At the next billing date"


def default_terms() -> list[str]:
    return [Commitment.MONTHLY.value, Commitment.ONE_YEAR.value]


def terms_check(value) -> None:
    known = set(Commitment.values)
    if not isinstance(value, list) or not value or not set(value) <= known:
        raise ValidationError("Offer at least one term: Monthly, 1-year or 3-year commitment.")


class Product(models.Model):
    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary product"
        ADDON = "addon", "Add-on"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    charge = models.CharField(
        max_length=10,
        choices=CHARGE_CHOICES,
        default=Charge.PER_SEAT.value,
    )
    term = models.CharField(
        max_length=10,
        choices=TERM_CHOICES,
        default=Term.MONTHLY.value,
    )
    needs_own_seats = models.BooleanField(
        default=False,
        help_text="Takes a seat count of its own (like a Mac client) instead of the total users.",
    )
    addable_to = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="addable_products",
        help_text="Primary products this one can be added to.",
    )
    upgrades = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="upgrade_paths",
        help_text="Primary products this one upgrades (replaces).",
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The vendor's term policy for the product (a one-time charge has no term).
    terms_offered = models.JSONField(
        "terms offered", default=default_terms, validators=[terms_check]
    )
    cancellation_days = models.PositiveSmallIntegerField(
        "cancellation window (days)",
        default=7,
        validators=[MaxValueValidator(90)],
        help_text="Days after a purchase or renewal in which the product can be cancelled.",
    )
    fewer_seats = models.CharField(
        "fewer seats of a commitment",
        max_length=10,
        choices=FewerSeats.choices,
        default=FewerSeats.AT_RENEWAL,
    )
    renewal_deadline_days = models.PositiveSmallIntegerField(
        "renewal deadline (days before term end)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Changes for a renewal (fewer seats, removal, another term, auto-renew) can "
        "be made and cancelled until this many days before the term ends.",
    )

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def terms(self) -> list[Commitment]:
        """The terms offered, in the catalog's order (shortest first)."""
        return [term for term in Commitment if term.value in self.terms_offered]


class ProductTermPolicy(Product):
    """A product as the console's *Products' term policy* page edits it: only the vendor's
    policy (terms offered, cancellation window, fewer seats), each change in the history."""

    class Meta:
        proxy = True
        verbose_name = "product's term policy"
        verbose_name_plural = "products' term policy"


class PriceList(models.Model):
    """A version of the vendor's list prices; the newest one in effect is current."""

    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="USD")
    effective_from = models.DateField()

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "effective_from"], name="one_price_list_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency}, from {self.effective_from})"


class ListPrice(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="list_prices")
    term = models.CharField(max_length=10, choices=TERM_CHOICES)
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "term"], name="one_list_price_per_term"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.term}: {self.unit_price}"


# The day contracted prices are in force from unless they say otherwise: before any order.
PRICES_SINCE = datetime.date(2000, 1, 1)


class ContractedPrice(models.Model):
    """One volume tier of a partner's price for a product and term.

    Tiers are "all units": the whole quantity is charged at the tier it falls in, the tier being
    the one with the largest ``min_quantity`` not above the quantity.
    """

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="contracted_prices"
    )
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=10, choices=TERM_CHOICES)
    min_quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )
    # The prices of a product and term are the tiers of their latest date on or before the
    # day priced: a price change is new rows from a later date, so a renewal is priced at the
    # prices then in force and the old ones stay for what was signed before.
    effective_from = models.DateField(
        "in force from",
        default=PRICES_SINCE,
        help_text="These tiers replace the product's earlier ones from this date.",
    )

    class Meta:
        ordering = [
            "partner",
            "product__position",
            "product__code",
            "term",
            "effective_from",
            "min_quantity",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product", "term", "effective_from", "min_quantity"],
                name="one_price_per_tier",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product.code} {self.term} from {self.min_quantity}: {self.unit_price}"
