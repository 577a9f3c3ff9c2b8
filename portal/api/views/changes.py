"""Change orders of a customer: Preview Change Quote, Save Quote, saved quotes (read, change,
delete) and Submit. The screen's change form and review form decide what is allowed."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.changes.forms import ChangeForm, ReviewForm
from portal.changes.models import ChangeOrder
from portal.changes.selectors import (
    change_order_for,
    change_products_for,
    change_totals_of,
    current_of,
    saved_quotes_of,
)
from portal.changes.services import ChangeRefused, change_submit, quote_delete, quote_save
from portal.companies.lifecycle import change_options_state
from portal.companies.selectors import active_agreement_of, customer_for
from portal.core.http import client_ip

from .. import serializers as s
from ..bridge import raise_form_errors
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
    summary = SummaryRow(many=True)
    prior_totals = s.TotalsOut()
    new_totals = s.TotalsOut()
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


def preview_data(form: ChangeForm) -> dict:
    quote = form.quote
    return {
        "kind": form.kind,
        "added": [s.line_data(x) for x in quote.added],
        "kept": [s.line_data(x) for x in quote.kept],
        "changes": [s.line_data(x) for x in quote.changes],
        "summary": [_row(row) for row in quote.rows()],
        "prior_totals": s.totals_data(quote.prior_totals),
        "new_totals": s.totals_data(quote.new_totals),
    }


def quote_data(change: ChangeOrder) -> dict:
    totals = change_totals_of(change)
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
        "summary": change.lines.all(),  # the stored rows: SummaryRow reads their fields
        "prior_totals": s.totals_data(totals["prior"]),
        "new_totals": s.totals_data(totals["new"]),
        "created_at": change.created_at,
        "updated_at": change.updated_at,
        "agreement": s.agreement_data(change.agreement) if change.agreement_id else None,
    }


def _open(company):
    state = change_options_state(company)
    if not state.enabled:
        raise ApiError(
            f"Change Options is not available: {state.reason}",
            status_code=409,
            code="change_options_closed",
        )


def _form_data(form: ChangeForm, payload: dict) -> dict:
    """The change form as posted: its initial values (today's, or the saved quote's), with
    the request's on top."""
    data = form.initial_data()
    for name in ("seats", "implementation_lead", "mode"):
        if name in payload:
            data[name] = str(payload[name])
    if "primary" in payload:
        data.pop("add_primary", None)
        data.pop("new_primary", None)
        mode = data.get("mode")
        if mode in (Mode.ADD, Mode.NEW):
            data["add_primary" if mode == Mode.ADD else "new_primary"] = payload["primary"]
    if "addons" in payload:
        data = {k: v for k, v in data.items() if not k.startswith("addon_")}
        offered = {p.code for p in form.addon_products}
        unknown = sorted({a["code"] for a in payload["addons"]} - offered)
        if unknown:
            raise ApiError(
                f"Not an add-on your MSP's agreement enables: {', '.join(unknown)}.",
                status_code=400,
                code="invalid",
                fields={"addons": [f"Not an add-on you can choose: {', '.join(unknown)}."]},
            )
        for addon in payload["addons"]:
            data[f"addon_{addon['code']}"] = "on"
            if addon.get("seats") is not None:
                data[f"addon_seats_{addon['code']}"] = str(addon["seats"])
    return data


RENAMES = {"add_primary": "primary", "new_primary": "primary"}


def _renamed(name: str) -> str:
    if name.startswith("addon_seats_") or name.startswith("addon_"):
        return "addons." + name.removeprefix("addon_seats_").removeprefix("addon_")
    return RENAMES.get(name, name)


def _change_form(request, company, change: ChangeOrder | None = None) -> ChangeForm:
    payload = ChangeInput(data=request.data)
    payload.is_valid(raise_exception=True)
    prior = active_agreement_of(company)

    def build(data=None):
        return ChangeForm(
            data,
            company=company,
            current=current_of(prior),
            enabled=change_products_for(company.partner),
            change=change,
        )

    form = build(_form_data(build(), payload.validated_data))
    if not form.is_valid():
        raise_form_errors(form, renames={name: _renamed(name) for name in form.errors})
    form.prior = prior
    return form


def _save(request, company, form, change=None) -> ChangeOrder:
    return quote_save(
        company=company,
        actor=request.user,
        prior=form.prior,
        proposal=form.proposal,
        kind=form.kind,
        lead=form.cleaned_data["implementation_lead"],
        quote=form.quote,
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
        return Response(PreviewOut(preview_data(_change_form(request, company))).data)


class ChangeQuoteListView(PortalView):
    @extend_schema(
        operation_id="changes_quotes_list",
        responses=ChangeQuoteOut(many=True),
        summary="Saved quotes of a customer",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        quotes = saved_quotes_of(company).prefetch_related("lines")
        return Response(ChangeQuoteOut([quote_data(q) for q in quotes], many=True).data)

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
        change = _save(request, company, _change_form(request, company))
        return Response(ChangeQuoteOut(quote_data(change)).data, status=status.HTTP_201_CREATED)


class ChangeQuoteView(PortalView):
    @extend_schema(operation_id="changes_quotes_read", responses=ChangeQuoteOut, summary="A quote")
    def get(self, request, pk: int):
        return Response(ChangeQuoteOut(quote_data(change_order_for(request.user, pk))).data)

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
        change = _save(
            request, change.company, _change_form(request, change.company, change), change
        )
        return Response(ChangeQuoteOut(quote_data(change)).data)

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
                return Response(ChangeQuoteOut(quote_data(change)).data)
            raise ApiError(
                "This change order had already been submitted.", status_code=409, code="submitted"
            )
        payload = SubmitInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = {
            "idempotency_key": str(key),
            "order_number": payload.validated_data.get("order_number", ""),
        }
        for name in ("order_number_not_required", "accept_msa", "accept_authority"):
            if payload.validated_data.get(name):
                data[name] = "on"
        form = ReviewForm(data, msp=change.company.partner.name)
        if not form.is_valid():
            raise_form_errors(form)
        try:
            change, made = change_submit(
                change=change,
                actor=request.user,
                key=key,
                ip=client_ip(request),
                order_number=form.cleaned_data["order_number"],
                order_number_not_required=form.cleaned_data["order_number_not_required"],
            )
        except ChangeRefused as exc:
            raise ApiError(str(exc), status_code=409, code="refused") from None
        change = change_order_for(request.user, change.pk)
        return Response(
            ChangeQuoteOut(quote_data(change)).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )
