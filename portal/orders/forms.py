"""The online order form: the prospect's products and seats, Infrastructure Information, Order
Details and the two statements."""

import uuid

from django import forms
from django.urls import reverse

from portal.accounts.selectors import implementation_leads_for
from portal.companies.seats import MAX_USERS
from portal.companies.terms import LineTerm, default_term
from portal.core.text import Form
from portal.pricing import OrderQuote

from .infrastructure import Options
from .models import Order, Question
from .product_fields import ProductFields
from .quote import prospect_quote
from .rules import (
    NUMBER_AND_NOT_REQUIRED,
    NUMBER_MISSING,
    UNTICKED,
    key_error,
    order_check,
    order_number_error,
)
from .services import OrderInput

MSA_STATEMENT = (
    "I confirm that this order is governed by the Managed Service Providers Agreement already "
    "in effect between {msp} and the vendor."
)
AUTHORITY_STATEMENT = "I confirm that I am authorised to place this order on behalf of {msp}."


class OrderDetails(Form):
    """Order Details and the two statements: the same on an order and on a change order."""

    # The Order Number rule's words, for the page to say as the user types (order_number.js).
    NUMBER_MISSING = NUMBER_MISSING
    NUMBER_AND_NOT_REQUIRED = NUMBER_AND_NOT_REQUIRED

    order_number = forms.CharField(
        label="Order Number",
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={"aria-describedby": "id_order_number_helptext id_order_number_error"}
        ),
    )
    order_number_not_required = forms.BooleanField(
        label="Order Number Not Required",
        required=False,
        help_text="If you don't use purchase orders.",
    )
    accept_msa = forms.BooleanField(required=False)
    accept_authority = forms.BooleanField(required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def set_statements(self, msp: str, *, required: bool, unticked: str) -> None:
        self.fields["accept_msa"].label = MSA_STATEMENT.format(msp=msp)
        self.fields["accept_authority"].label = AUTHORITY_STATEMENT.format(msp=msp)
        if required:
            for name in ("accept_msa", "accept_authority"):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = unticked

    def statements(self):
        return [self["accept_msa"], self["accept_authority"]]

    def clean_order_details(self, cleaned: dict, *, submitting: bool) -> None:
        number = (cleaned.get("order_number") or "").strip()
        cleaned["order_number"] = number
        not_required = bool(cleaned.get("order_number_not_required"))
        if error := order_number_error(number, not_required, submitting=submitting):
            self.add_error("order_number", error)


class OrderForm(ProductFields, OrderDetails):
    """``submitting``: everything is required. Saving a draft or previewing the totals needs only
    a valid product choice."""

    implementation_lead = forms.ModelChoiceField(
        label="Implementation Lead", queryset=None, empty_label="Choose…"
    )
    permitted_users = forms.IntegerField(label="Permitted Users", min_value=1, max_value=MAX_USERS)
    # The Total Initial Fees the user was shown: the submit refuses other prices (PricesMoved).
    quoted_initial = forms.DecimalField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, company, order: Order | None, submitting=False):
        self.company = company
        self.partner = company.partner
        self._quote = None
        self.submitting = submitting
        initial = {
            "implementation_lead": company.implementation_lead_id,
            "permitted_users": company.permitted_users,
        }
        if order:
            initial.update(
                {q: order.infrastructure.get(q, "") for q in Question.values},
                order_number=order.order_number,
                order_number_not_required=order.order_number_not_required,
            )
        super().__init__(data, initial=initial)
        self.fields["implementation_lead"].queryset = implementation_leads_for(self.partner)
        self.set_statements(
            self.partner.name,
            required=submitting,
            unticked=UNTICKED,
        )
        self.add_product_fields(self.partner, company)
        self.add_term_fields(order)
        self.options = Options()
        server_os = self.data.get(Question.SERVER_OS) if data else initial.get(Question.SERVER_OS)
        for value, label in Question.choices:
            labels = self.options.offered(value, server_os or "", initial.get(value) or "")
            self.fields[value] = forms.ChoiceField(
                label=label,
                required=submitting,
                choices=[("", "Choose…"), *((text, text) for text in labels)],
                widget=forms.Select(attrs={"data-needed": ""}),
            )
        # Choosing a Server OS offers its editions (htmx); without JavaScript, the editions
        # follow the OS when the form is shown again.
        self.fields[Question.SERVER_OS].widget.attrs.update(
            {
                "hx-get": reverse("orders:editions"),
                "hx-target": f"#id_{Question.SERVER_OS_EDITION}",
                "hx-trigger": "change",
            }
        )

    def add_term_fields(self, order: Order | None) -> None:
        """Per product billed again and again: the terms it allows (default: the catalog's)
        and Auto-renew (on unless turned off); a saved order's choices come back."""
        saved = order.terms if order else {}
        self.termed = [p for p in self.products if default_term(p)]
        for product in self.termed:
            chosen = saved.get(product.code, {})
            self.fields[f"term_{product.code}"] = forms.ChoiceField(
                label=f"Term for {product.code}",
                choices=[(term.value, term.label) for term in product.terms()],
                initial=chosen.get("commitment") or default_term(product),
                required=False,  # left out (an older form, a script): the default term
            )
            self.fields[f"auto_renew_{product.code}"] = forms.BooleanField(
                label="Auto-renew",
                required=False,
                initial=chosen.get("auto_renew", True),
            )

    def term_rows(self):
        """(product, term field, auto-renew field) per product that has a term."""
        return [(p, self[f"term_{p.code}"], self[f"auto_renew_{p.code}"]) for p in self.termed]

    def chosen_terms(self) -> dict[str, LineTerm]:
        """The term of each product chosen, as the agreement takes it."""
        chosen = {p.code for p in self.chosen_products()}
        terms = {}
        for p in self.termed:
            if p.code not in chosen:
                continue
            if not self.cleaned_data.get(f"term_{p.code}"):
                # Posted without the Terms section (a script, an older page): the defaults,
                # Auto-renew on, since an absent tick box cannot say "off".
                terms[p.code] = LineTerm(default_term(p))
                continue
            terms[p.code] = LineTerm(
                self.cleaned_data[f"term_{p.code}"],
                bool(self.cleaned_data.get(f"auto_renew_{p.code}")),
            )
        return terms

    def infrastructure_fields(self):
        return [self[value] for value in Question.values]

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if error := key_error(key, self.company):
            raise forms.ValidationError(error)
        return key

    def clean(self):
        cleaned = super().clean()
        check = order_check(
            self.partner,
            products=self.chosen_products(),
            users=cleaned.get("permitted_users"),
            priceable=not self._product_fields_invalid(),
            shown=cleaned.get("quoted_initial") if self.submitting else None,
        )
        for code, message in check.seats.items():
            self.add_error(f"seats_{code}", message)
        for message in check.general:
            self.add_error(None, message)
        self._quote = check.quote
        self.clean_order_details(cleaned, submitting=self.submitting)
        return cleaned

    def _product_fields_invalid(self) -> bool:
        names = {"permitted_users", *(f"product_{p.code}" for p in self.products)}
        names |= {f"seats_{p.code}" for p in self.products if p.needs_own_seats}
        return bool(names & set(self.errors))

    def quote(self) -> OrderQuote | None:
        """The priced order of what the form holds; None while its products are not valid."""
        if not self.is_bound:
            return prospect_quote(self.company, self.products)
        return self._quote

    def infrastructure(self) -> dict[str, str]:
        return {q: self.cleaned_data[q] for q in Question.values if self.cleaned_data.get(q)}

    def order_input(self) -> OrderInput:
        """What the form holds, as the services take it."""
        return OrderInput(
            implementation_lead=self.cleaned_data["implementation_lead"],
            permitted_users=self.cleaned_data["permitted_users"],
            products=self.chosen_products(),
            infrastructure=self.infrastructure(),
            order_number=self.cleaned_data["order_number"],
            order_number_not_required=self.cleaned_data["order_number_not_required"],
            shown_initial=self.cleaned_data["quoted_initial"],
            terms=self.chosen_terms(),
        )
