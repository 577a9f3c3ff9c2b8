"""The Request for Information form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.core.text import ModelForm

from .models import ANSWER_FIELDS, MAX_MAILBOXES, InformationRequest
from .rules import domains_clean, hosts_clean, phone_clean, smarthost_clean

REQUIRED = {"contact_name", "contact_email", "mailbox_count", "go_live_date"}


class InformationRequestForm(ModelForm):
    mailbox_count = forms.IntegerField(
        min_value=1,
        max_value=MAX_MAILBOXES,
        error_messages={
            "min_value": "Enter at least 1 mailbox.",
            "max_value": f"At most {MAX_MAILBOXES:,} mailboxes.",
        },
    )

    class Meta:
        model = InformationRequest
        fields = ANSWER_FIELDS
        widgets = {
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "additional_domains": forms.Textarea(attrs={"rows": 4}),
            "inbound_hosts": forms.Textarea(attrs={"rows": 4}),
            "go_live_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "contact_name": "Who we talk to about the customer's mail set-up.",
            "mailbox_count": "How many mailboxes the service will protect.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = InformationRequest.answer_label(name)
            field.required = name in REQUIRED

    def clean_contact_phone(self):
        return phone_clean(self.cleaned_data["contact_phone"])

    def clean_additional_domains(self):
        return domains_clean(
            self.cleaned_data["additional_domains"], main_domain=self.instance.company.domain
        )

    def clean_inbound_hosts(self):
        return hosts_clean(self.cleaned_data["inbound_hosts"])

    def clean_outbound_smarthost(self):
        return smarthost_clean(self.cleaned_data["outbound_smarthost"])

    def clean_go_live_date(self):
        date = self.cleaned_data.get("go_live_date")
        # A date saved earlier may have passed since; it may stay while other answers change.
        if date and date != self.instance.go_live_date and date < timezone.localdate():
            raise ValidationError("The desired go-live date cannot be in the past.")
        return date

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in ANSWER_FIELDS}
