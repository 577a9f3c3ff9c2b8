"""The Create Prospect form: Primary Information and Other Information."""

import re

from django import forms
from django.utils import timezone

from portal.accounts.selectors import implementation_leads_for
from portal.catalog.selectors import products_enabled_for
from portal.companies.domains import conflict_check, domain_syntax_error, normalize_domain
from portal.companies.models import Company
from portal.companies.services import EDITABLE

MAX_USERS = 1_000_000


def looks_abbreviated(name: str) -> bool:
    """Mostly capitals and under five letters, like "IBM" or "A.C.M.E." — worth a warning."""
    letters = [c for c in name if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return 0 < len(letters) < 5 and capitals * 2 > len(letters)


class ProspectForm(forms.ModelForm):
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
        self.fields["implementation_lead"].required = True
        self.fields["secondary_contact"].queryset = leads
        for name in ("implementation_lead", "secondary_contact"):
            self.fields[
                name
            ].help_text = "Users of your MSP with the MSP Implementation Lead option set."
        self.fields["sector"].required = True
        self.products = list(products_enabled_for(partner=partner))
        chosen = {}
        if self.instance.pk:
            chosen = {item.product_id: item.seats for item in self.instance.products.all()}
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

    @property
    def name_warning(self) -> str:
        name = self.data.get("name") if self.is_bound else self.initial.get("name")
        if name and looks_abbreviated(name):
            return "This looks like an abbreviation. Use the full legal name if you can."
        return ""

    def clean_name(self):
        name = re.sub(r"\s+", " ", self.cleaned_data["name"]).strip()
        taken = Company.objects.filter(partner=self.partner, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"You already have a company called “{name}”.")
        return name

    def clean_domain(self):
        domain = normalize_domain(self.cleaned_data["domain"])
        if error := domain_syntax_error(domain):
            raise forms.ValidationError(error)
        own, other = conflict_check(domain, partner_id=self.partner.pk, exclude_pk=self.instance.pk)
        if own:
            raise forms.ValidationError(f"Your company “{own.name}” already has this domain.")
        if other:
            raise forms.ValidationError(
                "Channel conflict: another MSP's prospect or customer already holds this domain."
            )
        return domain

    def clean_expected_provision_date(self):
        date = self.cleaned_data.get("expected_provision_date")
        if date and not self.instance.pk and date < timezone.localdate():
            raise forms.ValidationError("The expected provision date cannot be in the past.")
        return date

    def clean(self):
        cleaned = super().clean()
        lead, secondary = cleaned.get("implementation_lead"), cleaned.get("secondary_contact")
        if lead and secondary and lead == secondary:
            self.add_error(
                "secondary_contact", "Choose someone other than the Implementation Lead, or nobody."
            )
        users = cleaned.get("permitted_users")
        for product in self.products:
            if not product.needs_own_seats or not cleaned.get(f"product_{product.code}"):
                continue
            seats = cleaned.get(f"seats_{product.code}")
            if not seats:
                self.add_error(f"seats_{product.code}", f"Enter the seats for {product.name}.")
            elif users and seats > users:
                self.add_error(f"seats_{product.code}", f"At most the {users} permitted users.")
        return cleaned

    def chosen_products(self) -> dict:
        return {
            product: self.cleaned_data.get(f"seats_{product.code}")
            if product.needs_own_seats
            else None
            for product in self.products
            if self.cleaned_data.get(f"product_{product.code}")
        }

    def company_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
