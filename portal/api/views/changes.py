"""Change orders of a customer: Preview Change Quote, Save Quote, saved quotes (read, change,
delete) and Submit. The change's rules (``changes.proposal``) decide what is allowed, as on the
screen, in the same words."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.catalog.models import Commitment, Product
from portal.catalog.selectors import price_table_for
from portal.changes import proposal as rules
from portal.changes.models import ChangeOrder
from portal.changes.proposal import CHOOSE_PRODUCT, SEATS_TOO_LOW, Proposal
from portal.changes.selectors import (
    change_order_for,
    change_products_for,
    change_totals_of,
    current_of,
    saved_quotes_of,
)
from portal.changes.services import ChangeRefused, change_submit, quote_delete, quote_save
from portal.companies.agreement_json import line_json
from portal.companies.lifecycle import change_options_state
from portal.companies.models import Agreement
from portal.companies.seats import MAX_USERS
from portal.companies.selectors import active_agreement_of, customer_for
from portal.core.http import client_ip
from portal.orders.rules import UNTICKED_REVIEW, order_number_error, statement_errors
from portal.pricing import ChangeQuote

from .. import serializers as s
from ..bridge import NOT_A_CHOICE, REQUIRED, Problems, unknown_codes
from ..errors import ApiError
from ..idempotency import HEADER, idempotent, submission_key
from .base import PortalView

Mode = ChangeOrder.Mode


class ChangeInput(serializers.Serializer):
    seats = serializers.IntegerField(
        required=False, help_text="Total Number of Seats: the new total. Defaults to today's."
    )
    implementation_lead = serializers.IntegerField(
        required=False, help_text="Primary Implementation Lead (a user id)."
    )
    mode = serializers.ChoiceField(
        Mode.choices, required=False, help_text="Keep Existing, Add to, or Select New."
    )
    primary = serializers.CharField(
        required=False, allow_blank=True, help_text="The product code to add or select."
    )
    addons = s.ProductChoice(
        many=True, required=False, help_text="The add-ons wanted (all of them); default: today's."
    )


class SubmitInput(serializers.Serializer):
    order_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    order_number_not_required = serializers.BooleanField(required=False)
    accept_msa = serializers.BooleanField(required=False)
    accept_authority = serializers.BooleanField(required=False)


class SummaryRow(serializers.Serializer):
    """A row of the Change Order Summary."""

    code = serializers.CharField()
    name = serializers.CharField()
    term = serializers.CharField()
    prior_quantity = serializers.IntegerField(allow_null=True)
    quantity = serializers.IntegerField(allow_null=True)
    prior_unit_price = serializers.DecimalField(12, 4, allow_null=True)
    unit_price = serializers.DecimalField(12, 4, allow_null=True)
    prior_payment = serializers.DecimalField(14, 2, allow_null=True)
    payment = serializers.DecimalField(14, 2, allow_null=True)


class PreviewOut(serializers.Serializer):
    kind = serializers.CharField()
    added = s.LineOut(many=True, help_text="Products added.")
    kept = s.LineOut(many=True, help_text="Products kept.")
    changes = s.LineOut(
        many=True,
        help_text="Changes to Existing Products: the prior quantity as a negative line at the "
        "prior price, then the new one.",
    )
    summary = SummaryRow(many=True)
    prior_totals = s.TotalsOut()
    new_totals = s.TotalsOut()


class SavedSummaryRow(SummaryRow):
    """A row of a saved quote, with the new line's term and its prorated first charge as
    quoted (the review and the addendum show the same)."""

    commitment = serializers.ChoiceField(
        Commitment.choices,
        allow_blank=True,
        help_text="The new line's subscription term; empty for a one-time or dropped product.",
    )
    term_end = serializers.DateField(
        allow_null=True, help_text="Its renewal day, where known when quoted (a co-termed one)."
    )
    co_termed_with = serializers.CharField(
        help_text="The product whose term an added one joins (it renews with it); else empty."
    )
    prorated_charge = serializers.DecimalField(
        14,
        2,
        allow_null=True,
        help_text="The first charge of a product bought or increased mid-period: its added fee "
        "for [prorated_from, period_end) of the billing period [period_start, period_end).",
    )
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    prorated_from = serializers.DateField(allow_null=True)


class ChangeQuoteOut(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField()
    status = serializers.CharField()
    kind = serializers.CharField()
    seats = serializers.IntegerField()
    mode = serializers.CharField()
    primary = serializers.CharField(allow_null=True)
    addons = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    implementation_lead = serializers.IntegerField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    expired = serializers.BooleanField()
    summary = SavedSummaryRow(many=True)
    prior_totals = s.TotalsOut()
    new_totals = s.TotalsOut()
    prorated_total = serializers.DecimalField(
        14, 2, help_text="The prorated first charges, invoiced with the change."
    )
    initial_fees = serializers.DecimalField(
        14, 2, help_text="Total Initial Fees of the change: the new fees and the prorated charges."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    agreement = s.AgreementOut(allow_null=True, help_text="Once submitted.")


def _row(row) -> dict:
    prior, current = row.prior, row.current
    return {
        "code": row.code,
        "name": row.name,
        "term": str(row.term),
        "prior_quantity": prior.quantity if prior else None,
        "quantity": current.quantity if current else None,
        "prior_unit_price": prior.unit_price.amount if prior else None,
        "unit_price": current.unit_price.amount if current else None,
        "prior_payment": prior.payment.amount if prior else None,
        "payment": current.payment.amount if current else None,
    }


@dataclass(frozen=True)
class Proposed:
    """A change the rules accept, priced: what Preview and Save Quote answer with."""

    prior: Agreement
    proposal: Proposal
    kind: str
    quote: ChangeQuote
    lead: object


def preview_data(proposed: Proposed) -> dict:
    quote = proposed.quote
    return {
        "kind": proposed.kind,
        "added": [line_json(x) for x in quote.added],
        "kept": [line_json(x) for x in quote.kept],
        "changes": [line_json(x) for x in quote.changes],
        "summary": [_row(row) for row in quote.rows()],
        "prior_totals": s.totals_data(quote.prior_totals),
        "new_totals": s.totals_data(quote.new_totals),
    }


def change_quote_out(change: ChangeOrder) -> dict:
    totals = change_totals_of(change)
    rows = list(change.lines.all())
    prorated = sum((row.prorated_charge or Decimal("0.00") for row in rows), Decimal("0.00"))
    return {
        "id": change.pk,
        "customer": change.company_id,
        "status": change.status,
        "kind": change.kind,
        "seats": change.seats,
        "mode": change.mode,
        "primary": change.primary.code if change.primary_id else None,
        "addons": change.addons,
        "implementation_lead": change.implementation_lead_id,
        "valid_until": change.valid_until,
        "expired": bool(change.valid_until and change.valid_until < timezone.localdate()),
        "summary": rows,  # the stored rows: SavedSummaryRow reads their fields
        "prior_totals": s.totals_data(totals["prior"]),
        "new_totals": s.totals_data(totals["new"]),
        "prorated_total": prorated,
        "initial_fees": totals["new"].initial.amount + prorated,
        "created_at": change.created_at,
        "updated_at": change.updated_at,
        "agreement": s.agreement_out(change.agreement) if change.agreement_id else None,
    }


def _open(company):
    state = change_options_state(company)
    if not state.enabled:
        raise ApiError(
            f"Change Options is not available: {state.reason}",
            status_code=409,
            code="change_options_closed",
        )


def _proposed(request, company, change: ChangeOrder | None = None) -> Proposed:
    """The request over today's agreement (or the saved quote), through the change's rules:
    what the change form checks, in its words and order, under the API's field names."""
    payload = ChangeInput(data=request.data)
    payload.is_valid(raise_exception=True)
    values = payload.validated_data
    prior = active_agreement_of(company)
    current = current_of(prior)
    enabled = change_products_for(company.partner)
    start = rules.start_of(current, company, change)
    addon_products = [p for p in enabled if p.kind == Product.Kind.ADDON]
    wanted = _addons(start, values, addon_products)
    problems = Problems()
    seats = values["seats"] if "seats" in values else start.seats or None
    if seats is None:
        problems.add("seats", REQUIRED)
    else:
        seats = problems.count("seats", seats, high=MAX_USERS, too_low=SEATS_TOO_LOW)
    lead = problems.lead(company.partner, values.get("implementation_lead", start.lead_id))
    offered = {
        Mode.ADD: rules.can_add(current, enabled),
        Mode.NEW: rules.can_select(current, enabled),
    }
    mode, code = _mode(values, start, offered, problems)
    addons = {}
    for addon in addon_products:
        if addon.code in wanted:
            own = wanted[addon.code] if addon.needs_own_seats else None
            if own is not None:
                own = problems.count(f"addons.{addon.code}", own, high=MAX_USERS)
            addons[addon] = own
    if seats is None or mode is None:
        problems.raise_any()  # as the form: no rule is asked while these are not valid
    primary = None
    if mode != Mode.KEEP:
        primary = next((p for p in offered[mode] if p.code == code), None)
        if primary is None:
            problems.add("primary", CHOOSE_PRODUCT)
            problems.raise_any()
    proposal = Proposal(seats=seats, mode=mode, primary=primary, addons=addons)
    checked = rules.check(
        price_table_for(partner=company.partner),
        current,
        proposal,
        {p.code: p for p in enabled} | current.products,
        priceable=not problems.fields,
    )
    for message in checked.problems:
        problems.add(None, message)
    problems.raise_any()
    return Proposed(prior, proposal, checked.kind, checked.quote, lead)


def _mode(values: dict, start, offered: dict, problems: Problems) -> tuple[str | None, str]:
    """Keep Existing, Add to or Select New (None if not offered), and the product code chosen
    for it; each refused in the form's words and order."""
    asked = mode = values.get("mode", start.mode)
    if mode != Mode.KEEP and not offered[mode]:
        problems.add("mode", NOT_A_CHOICE % {"value": mode})
        mode = None
    codes = {m: start.primary if start.mode == m else "" for m in offered}
    if "primary" in values:
        codes = {m: values["primary"] if asked == m else "" for m in offered}
    for m, code in codes.items():  # Add to, then Select New, as the form's fields
        if code and code not in {p.code for p in offered[m]}:
            problems.add("primary", NOT_A_CHOICE % {"value": code})
            codes[m] = ""
    return mode, codes.get(mode, "")


def _addons(start, values: dict, addon_products) -> dict[str, int | None]:
    """The add-ons wanted (code → own seats): the request's when it names them, else the
    start's that are still offered."""
    if "addons" not in values:
        offered = {p.code for p in addon_products}
        return {code: seats for code, seats in start.addons.items() if code in offered}
    if unknown := unknown_codes(addon_products, values["addons"]):
        raise ApiError(
            f"Not an add-on your MSP's agreement enables: {unknown}.",
            status_code=400,
            code="invalid",
            fields={"addons": [f"Not an add-on you can choose: {unknown}."]},
        )
    wanted: dict[str, int | None] = {}
    for item in values["addons"]:
        if item.get("seats") is not None or item["code"] not in wanted:
            wanted[item["code"]] = item.get("seats")
    return wanted


def _save(request, company, proposed: Proposed, change=None) -> ChangeOrder:
    return quote_save(
        company=company,
        actor=request.user,
        prior=proposed.prior,
        proposal=proposed.proposal,
        kind=proposed.kind,
        lead=proposed.lead,
        quote=proposed.quote,
        change=change,
    )


class ChangePreviewView(PortalView):
    @extend_schema(
        operation_id="changes_preview",
        request=ChangeInput,
        responses=PreviewOut,
        summary="Preview Change Quote",
        description="Nothing is saved. Leave out what stays as it is.",
    )
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        _open(company)
        return Response(PreviewOut(preview_data(_proposed(request, company))).data)


class ChangeQuoteListView(PortalView):
    @extend_schema(
        operation_id="changes_quotes_list",
        responses=ChangeQuoteOut(many=True),
        summary="Saved quotes of a customer",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        quotes = saved_quotes_of(company).prefetch_related("lines")
        return Response(ChangeQuoteOut([change_quote_out(q) for q in quotes], many=True).data)

    @extend_schema(
        operation_id="changes_quotes_save",
        request=ChangeInput,
        responses={201: ChangeQuoteOut},
        summary="Save Quote",
        description=f"Kept with its prices, valid for a while (`valid_until`). With an "
        f"{HEADER}, a retry returns the same quote.",
    )
    @idempotent
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        _open(company)
        change = _save(request, company, _proposed(request, company))
        return Response(
            ChangeQuoteOut(change_quote_out(change)).data, status=status.HTTP_201_CREATED
        )


class ChangeQuoteView(PortalView):
    @extend_schema(operation_id="changes_quotes_read", responses=ChangeQuoteOut, summary="A quote")
    def get(self, request, pk: int):
        return Response(ChangeQuoteOut(change_quote_out(change_order_for(request.user, pk))).data)

    @extend_schema(
        operation_id="changes_quotes_update",
        request=ChangeInput,
        responses=ChangeQuoteOut,
        summary="Change a saved quote (priced again at today's prices)",
    )
    def put(self, request, pk: int):
        change = change_order_for(request.user, pk)
        if change.status != ChangeOrder.Status.QUOTE:
            raise ApiError(
                "This change order was submitted: it cannot be changed.",
                status_code=409,
                code="submitted",
            )
        _open(change.company)
        change = _save(request, change.company, _proposed(request, change.company, change), change)
        return Response(ChangeQuoteOut(change_quote_out(change)).data)

    @extend_schema(
        operation_id="changes_quotes_delete", responses={204: None}, summary="Delete a quote"
    )
    def delete(self, request, pk: int):
        try:
            quote_delete(change=change_order_for(request.user, pk), actor=request.user)
        except ChangeRefused as exc:
            raise ApiError(str(exc), status_code=409, code="refused") from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangeSubmitView(PortalView):
    @extend_schema(
        operation_id="changes_submit",
        request=SubmitInput,
        responses={201: ChangeQuoteOut, 200: ChangeQuoteOut},
        summary="Submit a change order",
        description="An order number or order_number_not_required, and both statements. The "
        "customer gets a new agreement version (Upsell/Downsell/Upgrade Pending Order) and "
        "Change Options closes until the vendor syncs it. Refused (409) if the prices moved "
        "since the quote was priced (the quote then holds the new prices), or another change "
        "is pending.",
    )
    @idempotent
    def post(self, request, pk: int):
        change = change_order_for(request.user, pk)
        key = submission_key(request)
        if change.status == ChangeOrder.Status.SUBMITTED:
            if change.idempotency_key == key:
                return Response(ChangeQuoteOut(change_quote_out(change)).data)
            raise ApiError(
                "This change order had already been submitted.", status_code=409, code="submitted"
            )
        payload = SubmitInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        number = values.get("order_number", "")
        not_required = values.get("order_number_not_required", False)
        problems = Problems()
        ticks = values.get("accept_msa"), values.get("accept_authority")
        problems.add_all(statement_errors(*ticks, unticked=UNTICKED_REVIEW))
        if error := order_number_error(number, not_required, submitting=True):
            problems.add("order_number", error)
        problems.raise_any()
        try:
            change, made = change_submit(
                change=change,
                actor=request.user,
                key=key,
                ip=client_ip(request),
                order_number=number,
                order_number_not_required=not_required,
            )
        except ChangeRefused as exc:
            raise ApiError(str(exc), status_code=409, code="refused") from None
        change = change_order_for(request.user, change.pk)
        return Response(
            ChangeQuoteOut(change_quote_out(change)).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )
