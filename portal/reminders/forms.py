"""The reminder preferences page's two forms: a user's deliveries, an MSP's term days."""

import re

from django import forms

from portal.core.text import Form

from .models import Delivery, Kind

MAX_TERM_DAYS = 5
DAYS_HELP = "Up to five numbers of days, each from 1 to 365, separated by commas, like “60, 30, 7”."


# Who each kind goes to, and when, as the page says it (``recipients`` and the kinds decide).
WHO = {
    Kind.TERM_ENDING: "The customer's implementation lead and the Admins, at the days below.",
    Kind.RENEWAL_DEADLINE: "The implementation lead and the Admins, 2 days before the last day "
    "changes for a renewal can be made.",
    Kind.DOWNSELL_DEADLINE: "Who submitted the downsell, the implementation lead and the Admins, "
    "2 days before it can no longer be cancelled.",
    Kind.QUOTE_EXPIRING: "Who saved the change quote and its implementation lead, 3 days "
    "before it expires.",
    Kind.RFI_UNANSWERED: "Who sent the Request for Information and the implementation lead, "
    "when it is not answered after 3 days.",
    Kind.ORDER_NOT_SUBMITTED: "Who saved the order and the implementation lead, when it is not "
    "submitted after 14 days.",
}


class PreferencesForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Delivery.choices, help_text=WHO[kind]
            )


class TermDaysForm(Form):
    days = forms.CharField(label="Days before a term ends", max_length=40, help_text=DAYS_HELP)

    def clean_days(self) -> list[int]:
        parts = [part for part in re.split(r"[,;\s]+", self.cleaned_data["days"]) if part]
        if not parts or not all(part.isascii() and part.isdigit() for part in parts):
            raise forms.ValidationError(f"Enter whole numbers of days. {DAYS_HELP}")
        days = sorted({int(part) for part in parts}, reverse=True)
        if len(days) > MAX_TERM_DAYS:
            raise forms.ValidationError(f"At most {MAX_TERM_DAYS} reminders per term.")
        if any(not 1 <= d <= 365 for d in days):
            raise forms.ValidationError("Each number of days must be from 1 to 365.")
        return days
