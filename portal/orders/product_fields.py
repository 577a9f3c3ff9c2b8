"""The product tick boxes of a prospect, with a seat count for a product that takes its own: on
the prospect form and again on the order form (prospects, above orders, takes it from here)."""

from django import forms

from portal.catalog.selectors import products_enabled_for
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS, own_seats_errors


class ProductFields:
    def add_product_fields(self, partner, company: Company) -> None:
        chosen = {}
        if company.pk:
            chosen = {item.product_id: item.seats for item in company.products.all()}
        self.products = list(
            products_enabled_for(partner=partner).prefetch_related("addable_to", "upgrades")
        )
        for product in self.products:
            self.fields[f"product_{product.code}"] = forms.BooleanField(
                required=False,
                label=f"{product.code} — {product.name}",
                initial=product.pk in chosen,
            )
            if product.needs_own_seats:
                self.fields[f"seats_{product.code}"] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    max_value=MAX_USERS,
                    label="Seats",
                    initial=chosen.get(product.pk),
                )

    def product_rows(self):
        """(checkbox, seats field or None) per product, for the template."""
        return [
            (self[f"product_{p.code}"], self[f"seats_{p.code}"] if p.needs_own_seats else None)
            for p in self.products
        ]

    def clean_seats(self, cleaned: dict) -> None:
        errors = own_seats_errors(self.chosen_products(), cleaned.get("permitted_users"))
        for code, message in errors.items():
            self.add_error(f"seats_{code}", message)

    def chosen_products(self) -> dict:
        """Product → seats (None for a product without a seat count of its own)."""
        return {
            product: self.cleaned_data.get(f"seats_{product.code}")
            if product.needs_own_seats
            else None
            for product in self.products
            if self.cleaned_data.get(f"product_{product.code}")
        }
