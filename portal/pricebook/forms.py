from decimal import Decimal

from django import forms

from portal.core.text import Form
from portal.pricing.selling import MAX_MARKUP

from .models import SellingPrice


class SellingPriceForm(Form):
    basis = forms.ChoiceField(label="Sell at", choices=SellingPrice.Basis.choices)
    amount = forms.DecimalField(
        label="Price or markup",
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basis") == SellingPrice.Basis.MARKUP and (cleaned.get("amount") or 0) > (
            MAX_MARKUP
        ):
            self.add_error("amount", f"A markup is at most {MAX_MARKUP:,.0f}%.")
        return cleaned

    @classmethod
    def for_price(cls, price: SellingPrice | None, prefix: str) -> "SellingPriceForm":
        initial = {"basis": price.basis, "amount": price.amount} if price else {}
        return cls(prefix=prefix, initial=initial)
