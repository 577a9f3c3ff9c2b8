"""The MSP's price book: what it sells each product at (a price per unit, or a markup on its
contracted price), and optionally another price for one customer.

The MSP's own: never shown to the vendor (no admin, no vendor payload) nor to the end customer.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from portal.pricing.selling import MAX_MARKUP, SellingRule
from portal.pricing.selling import Basis as RuleBasis


class SellingPrice(models.Model):
    class Basis(models.TextChoices):
        PRICE = RuleBasis.PRICE.value, "Price per unit"
        MARKUP = RuleBasis.MARKUP.value, "Markup on cost"

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="selling_prices"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    # Set: this customer's price, in place of the price book's for the product.
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="selling_prices",
    )
    basis = models.CharField(max_length=6, choices=Basis.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "product"],
                condition=Q(company__isnull=True),
                name="selling_price_one_per_product",
            ),
            models.UniqueConstraint(
                fields=["company", "product"],
                condition=Q(company__isnull=False),
                name="selling_price_one_per_customer_product",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & (Q(basis="price") | Q(basis="markup", amount__lte=MAX_MARKUP)),
                name="selling_price_amount_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.code}: {self.describe()}"

    @property
    def rule(self) -> SellingRule:
        return SellingRule(self.basis, self.amount)

    def describe(self) -> str:
        if self.basis == self.Basis.MARKUP:
            return f"cost + {self.amount.normalize():f}%"
        return f"{self.amount:,.2f} per unit"
