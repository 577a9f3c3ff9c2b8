"""Shapes of the API's input and output. Input serializers check types only; the rules are the
screens' own plain modules (``orders.rules``, ``changes.proposal``, ``companies.seats``), their
messages put under the API's field names by ``bridge``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils.field_mapping import ClassLookupDict

from portal.catalog.models import CHARGE_CHOICES, TERM_CHOICES, Billing, Commitment
from portal.companies.agreement_json import agreement_json, line_json
from portal.companies.columns import API_ROW, CompanyColumn
from portal.companies.models import Agreement, Company
from portal.companies.versions import Standing


class ProductChoice(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    seats = serializers.IntegerField(
        required=False, allow_null=True, help_text="Only for a product that takes its own seats."
    )


class ProspectInput(serializers.Serializer):
    company_type = serializers.ChoiceField(Company.CompanyType.choices)
    name = serializers.CharField(max_length=200, help_text="The full legal name.")
    domain = serializers.CharField(max_length=253)
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    sector = serializers.ChoiceField(Company.Sector.choices)
    implementation_lead = serializers.IntegerField(help_text="A user id of your MSP's leads.")
    secondary_contact = serializers.IntegerField(required=False, allow_null=True)
    expected_provision_date = serializers.DateField(required=False, allow_null=True)
    permitted_users = serializers.IntegerField()
    products = ProductChoice(many=True, required=False)


class CompanyProductOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    seats = serializers.IntegerField(allow_null=True)


class CompanyOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(Company.Status.choices)
    company_type = serializers.CharField()
    name = serializers.CharField()
    domain = serializers.CharField()
    website = serializers.CharField()
    sector = serializers.CharField()
    implementation_lead = serializers.IntegerField(source="implementation_lead_id", allow_null=True)
    implementation_lead_name = serializers.CharField(source="lead_name")
    secondary_contact = serializers.IntegerField(source="secondary_contact_id", allow_null=True)
    expected_provision_date = serializers.DateField(allow_null=True)
    permitted_users = serializers.IntegerField(allow_null=True)
    next_billing_date = serializers.DateField(allow_null=True)
    products = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(CompanyProductOut(many=True))
    def get_products(self, company) -> list[dict]:
        return company_products(company)


def company_products(company) -> list[dict]:
    """The company's products, as the API shows them and takes them back."""
    items = company.products.select_related("product").order_by("product__position")
    return [{"code": i.product.code, "name": i.product.name, "seats": i.seats} for i in items]


class CompanyRow(serializers.Serializer):
    """A row of a list: what the list page shows."""

    # The columns of ``companies.columns.API_ROW``, each typed as its model field, then the
    # fields a subclass declares. (The docstring above is the API's description of the row.)
    def get_fields(self):
        return {**{column.api: _row_field(column) for column in API_ROW}, **super().get_fields()}


def _row_field(column: CompanyColumn) -> serializers.Field:
    model_field = Company._meta.get_field(column.attr)
    kind = ClassLookupDict(serializers.ModelSerializer.serializer_field_mapping)[model_field]
    source = {"source": column.attr} if column.attr != column.api else {}
    return kind(allow_null=model_field.null, **source)


class PageOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="Rows matched (a search lists its first 500).")
    page = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    capped = serializers.BooleanField(help_text="More matched than a search lists.")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)


class CompanyPage(PageOut):
    results = CompanyRow(many=True)


class ProspectOut(CompanyOut):
    warnings = serializers.ListField(child=serializers.CharField(), required=False)


class DomainCheckInput(serializers.Serializer):
    domain = serializers.CharField(max_length=300)
    exclude_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="The prospect being edited, if any."
    )


class DomainCheckOut(serializers.Serializer):
    domain = serializers.CharField()
    ok = serializers.BooleanField()
    syntax_error = serializers.CharField()
    dns = serializers.CharField(allow_null=True)
    dns_record = serializers.CharField()
    own_company = serializers.CharField(allow_null=True)
    conflict = serializers.BooleanField()


class LineOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    term = serializers.ChoiceField(
        TERM_CHOICES,
        help_text="The price's term: what the unit price is per (a month, a year, once).",
    )
    charge = serializers.ChoiceField(CHARGE_CHOICES)
    quantity = serializers.IntegerField(help_text="Negative for a prior quantity on a change.")
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=4)
    payment = serializers.DecimalField(max_digits=14, decimal_places=2)


class AgreementLineOut(LineOut):
    """A line of an agreement version, with its subscription term."""

    commitment = serializers.ChoiceField(
        Commitment.choices,
        allow_null=True,
        help_text="The subscription term: monthly, or a commitment of 1 or 3 years (1y, 3y); "
        "null for a one-time charge.",
    )
    billing = serializers.ChoiceField(
        Billing.choices,
        allow_null=True,
        help_text="How often it is invoiced; null for a one-time charge.",
    )
    term_start = serializers.DateField(
        allow_null=True,
        help_text="The first day of the term running; null until the version is provisioned.",
    )
    term_end = serializers.DateField(
        allow_null=True,
        help_text="The day the term renews (or ends, without auto_renew): the term is "
        "[term_start, term_end). An add-on bought mid-term ends with the term it joins.",
    )
    auto_renew = serializers.BooleanField()


class TotalsOut(serializers.Serializer):
    currency = serializers.CharField()
    monthly = serializers.DecimalField(max_digits=14, decimal_places=2)
    annual = serializers.DecimalField(max_digits=14, decimal_places=2)
    one_time = serializers.DecimalField(max_digits=14, decimal_places=2)
    initial = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="Total Initial Fees: the first invoice."
    )


def totals_data(totals) -> dict:
    return {
        "currency": totals.currency,
        "monthly": totals.monthly.amount,
        "annual": totals.annual.amount,
        "one_time": totals.one_time.amount,
        "initial": totals.initial.amount,
    }


class QuoteOut(serializers.Serializer):
    lines = LineOut(many=True)
    totals = TotalsOut()


def quote_data(quote) -> dict:
    return {"lines": [line_json(x) for x in quote.lines], "totals": totals_data(quote.totals)}


class AgreementOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(
        Agreement.Status.choices,
        help_text="The code, e.g. upsell_pending; scheduled: confirmed by the vendor, taking "
        "effect on effective_from.",
    )
    status_label = serializers.CharField(help_text="The words the pages show.")
    status_display = serializers.CharField(
        help_text="Deprecated: the same as status_label, which replaces it."
    )
    standing = serializers.ChoiceField(
        choices=Standing.choices,
        help_text="Where the version stands in time: pending, scheduled (a synced downsell "
        "before its billing date), in_effect or over.",
    )
    effective_from = serializers.DateField(
        help_text="The day it takes (or took) effect; for a pending version, the day expected.",
    )
    effective_until = serializers.DateField(
        allow_null=True,
        help_text="The day it stops being in effect: set once a successor is scheduled or it "
        "is superseded; null while nothing replaces it.",
    )
    reason = serializers.CharField()
    total_users = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    activated_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    lines = AgreementLineOut(many=True)
    totals = TotalsOut()


def agreement_out(agreement) -> dict:
    """An agreement version as the API answers it (see companies.agreement_json)."""
    data = agreement_json(agreement, detail=True)
    data["totals"]["currency"] = agreement.currency
    # The name of the first API version, kept for its clients: the same words as status_label.
    data["status_display"] = data["status_label"]
    return data
