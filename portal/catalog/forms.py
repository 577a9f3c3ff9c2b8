"""The console's form of a product's term policy (the vendor's rules for its subscriptions)."""

from django import forms

from portal.core.text import ModelForm

from .models import Commitment, FewerSeats, Product

DAYS = "Enter the number of days, a whole number from 0 to 90."
DEADLINE = "Enter the renewal deadline in days before term end, a whole number from 1 to 90."
TERMS = "Offer at least one term: Monthly, 1-year or 3-year commitment."


class TermPolicyForm(ModelForm):
    terms_offered = forms.MultipleChoiceField(
        label="Terms offered",
        choices=Commitment.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": TERMS, "invalid_choice": TERMS},
        help_text=(
            "The order and change forms offer these. Lines already ordered keep their term."
        ),
    )
    cancellation_days = forms.IntegerField(
        label="Cancellation window (days)",
        min_value=0,
        max_value=90,
        error_messages={
            "required": DAYS,
            "invalid": DAYS,
            "min_value": DAYS,
            "max_value": DAYS,
        },
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
        help_text="Days after a purchase or renewal in which the product can be cancelled (0–90).",
    )
    fewer_seats = forms.ChoiceField(
        label="Fewer seats of a commitment",
        choices=FewerSeats.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the seats of a commitment may go down."},
        help_text=(
            "More seats may be added at any time, and a monthly term's seats go down at the "
            "next billing date after the partner's notice days."
        ),
    )

    renewal_deadline_days = forms.IntegerField(
        label="Renewal deadline (days before term end)",
        min_value=1,
        max_value=90,
        error_messages={
            "required": DEADLINE,
            "invalid": DEADLINE,
            "min_value": DEADLINE,
            "max_value": DEADLINE,
        },
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
        help_text="Changes for a renewal can be made and cancelled until this many days before "
        "the term ends (1–90; 1: until the day before).",
    )

    class Meta:
        model = Product
        fields = ["terms_offered", "cancellation_days", "fewer_seats", "renewal_deadline_days"]

    def clean_terms_offered(self) -> list[str]:
        chosen = set(self.cleaned_data["terms_offered"])
        # Kept in the catalog's order (shortest first), however the boxes were posted.
        return [term.value for term in Commitment if term.value in chosen]
