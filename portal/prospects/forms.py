"""The Create Prospect form: Primary Information and Other Information."""

from functools import cached_property

from django import forms

from portal.accounts.selectors import implementation_leads_for
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.companies.services import EDITABLE
from portal.core.text import ModelForm
from portal.orders.product_fields import ProductFields

from .rules import (
    REQUIRED,
    Known,
    check_domain,
    check_name,
    check_provision_date,
    contacts_error,
    name_warning,
)


class ProspectForm(ProductFields, ModelForm):
    domain = forms.CharField(
        label="Domain", max_length=253, help_text="The prospect's e-mail domain, like example.com."
    )
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    permitted_users = forms.IntegerField(
        label="Permitted Users",
        min_value=1,
        max_value=MAX_USERS,
        help_text="The number of users expected to use the service.",
    )
    expected_provision_date = forms.DateField(
        label="Expected Provision Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Company
        fields = EDITABLE
        labels = {
            "name": "Company Name",
            "secondary_contact": "Secondary Implementation Contact",
            "implementation_lead": "Implementation Lead",
            "company_type": "Company Type",
        }
        help_texts = {"name": "The full legal name. Do not use abbreviations."}

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner
        leads = implementation_leads_for(partner)
        self.fields["implementation_lead"].queryset = leads
        self.fields["secondary_contact"].queryset = leads
        self.fields["secondary_contact"].empty_label = "Nobody"
        for name in ("implementation_lead", "secondary_contact"):
            self.fields[
                name
            ].help_text = "Users of your MSP with the MSP Implementation Lead option set."
        for name in REQUIRED:
            self.fields[name].required = True
        self.add_product_fields(partner, self.instance)

    @property
    def name_warning(self) -> str:
        return name_warning(self.data.get("name") if self.is_bound else self.initial.get("name"))

    @cached_property
    def _known(self) -> Known:
        return Known.load_one(
            self.partner.pk, name=self.data.get("name", ""), domain=self.data.get("domain", "")
        )

    def clean_name(self):
        return check_name(self.cleaned_data["name"], self._known, pk=self.instance.pk)

    def clean_domain(self):
        return check_domain(self.cleaned_data["domain"], self._known, pk=self.instance.pk)

    def clean_expected_provision_date(self):
        date = self.cleaned_data.get("expected_provision_date")
        check_provision_date(date, creating=not self.instance.pk)
        return date

    def clean(self):
        cleaned = super().clean()
        if error := contacts_error(
            cleaned.get("implementation_lead"), cleaned.get("secondary_contact")
        ):
            self.add_error("secondary_contact", error)
        self.clean_seats(cleaned)
        return cleaned

    def company_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
