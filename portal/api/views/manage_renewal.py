"""Manage renewal: a customer's renewal (each line's term, dates, auto-renew, the last day its
renewal can be changed and the changes scheduled for it; what the agreement will be at each
renewal), auto-renew off and on (PATCH), changes scheduled for the renewal (POST) and their
cancel (DELETE). The customer page's services and messages; 404 for another MSP's customer."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.catalog.models import Billing, Commitment
from portal.companies.seats import MAX_USERS
from portal.companies.selectors import customer_for
from portal.renewals.models import RenewalChange
from portal.renewals.overview import LineRenewal, PlanSummary, renewal_of
from portal.renewals.services import (
    RenewalRefused,
    auto_renew_set,
    renewal_change_cancel,
    renewal_change_schedule,
)

from ..errors import ApiError, FieldErrors
from ..idempotency import idempotent
from .base import PortalView

AMOUNT = 'An amount as a string with its places ("1120.00").'


class RenewalChangeOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.ChoiceField(
        RenewalChange.Kind.choices, help_text="Fewer seats, the product removed, another term."
    )
    seats = serializers.IntegerField(allow_null=True, help_text="Fewer seats: the new count.")
    commitment = serializers.ChoiceField(
        Commitment.choices, allow_null=True, help_text="Another term: the term it renews on."
    )
    renews_on = serializers.DateField(help_text="The renewal it is for: the line's term end.")
    status = serializers.ChoiceField(RenewalChange.Status.choices)
    description = serializers.CharField(help_text="In words, as the customer page says it.")
    created_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)


def change_out(change: RenewalChange) -> dict:
    return {
        "id": change.pk,
        "code": change.code,
        "kind": change.kind,
        "seats": change.seats,
        "commitment": change.commitment or None,
        "renews_on": change.renews_on,
        "status": change.status,
        "description": change.describe(),
        "created_by": str(change.created_by) if change.created_by_id else None,
        "created_at": change.created_at,
        "cancelled_at": change.cancelled_at,
    }


class RenewalLineOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    commitment = serializers.ChoiceField(
        Commitment.choices, allow_null=True, help_text="The term; null for a one-time charge."
    )
    billing = serializers.ChoiceField(Billing.choices, allow_null=True)
    term_start = serializers.DateField(allow_null=True)
    term_end = serializers.DateField(allow_null=True, help_text="The renewal day.")
    auto_renew = serializers.BooleanField(help_text="Off: the product ends at its term end.")
    renews = serializers.BooleanField(help_text="Whether the line has a renewal at all.")
    last_day = serializers.DateField(
        allow_null=True,
        help_text="The last day changes for its renewal can be made or cancelled (the "
        "product's renewal deadline before the term end).",
    )
    days_left = serializers.IntegerField(allow_null=True, help_text="To the last day, from today.")
    changeable = serializers.BooleanField(help_text="Whether its renewal can be changed today.")
    refusal = serializers.CharField(help_text="Why not, when not changeable.")
    terms_offered = serializers.ListField(
        child=serializers.ChoiceField(Commitment.choices),
        help_text="The terms the product is offered on (Change term: another of them).",
    )
    scheduled_changes = RenewalChangeOut(many=True)


def line_out(row: LineRenewal) -> dict:
    line = row.line
    return {
        "code": line.code,
        "name": line.name,
        "quantity": line.quantity,
        "commitment": line.commitment or None,
        "billing": line.billing or None,
        "term_start": line.term_start,
        "term_end": line.term_end,
        "auto_renew": line.auto_renew,
        "renews": row.renews,
        "last_day": row.last_day,
        "days_left": row.days_left,
        "changeable": row.open,
        "refusal": row.refusal,
        "terms_offered": list(line.product.terms_offered) if row.renews else [],
        "scheduled_changes": [change_out(c) for c in row.changes],
    }


class PlanLineOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Seats from the renewal.")
    quantity_now = serializers.IntegerField()
    unit_price = serializers.CharField(help_text="At the prices in force that day. " + AMOUNT)
    unit_price_now = serializers.CharField()
    payment = serializers.CharField(help_text=AMOUNT)
    term = serializers.CharField(help_text="What the price is per: monthly, annual, one_time.")
    commitment = serializers.ChoiceField(Commitment.choices, allow_null=True)
    term_start = serializers.DateField(allow_null=True)
    term_end = serializers.DateField(allow_null=True)
    renews = serializers.BooleanField(help_text="False: its term ends another day; it carries on.")


class PlanEndingOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    why = serializers.ChoiceField(["removed", "auto_renew_off"])


class PlanOut(serializers.Serializer):
    renews_on = serializers.DateField()
    currency = serializers.CharField()
    error = serializers.CharField(
        allow_null=True, help_text="Why it cannot be priced (no price in force that day)."
    )
    lines = PlanLineOut(many=True, help_text="What the customer has from that day.")
    ending = PlanEndingOut(many=True, help_text="What ends that day.")
    ends_everything = serializers.BooleanField(help_text="Nothing is left: a former customer.")
    monthly_fees = serializers.CharField(help_text=AMOUNT)
    monthly_fees_now = serializers.CharField(help_text=AMOUNT)
    annual_fees = serializers.CharField(help_text=AMOUNT)
    annual_fees_now = serializers.CharField(help_text=AMOUNT)


def plan_out(summary: PlanSummary, currency: str) -> dict:
    plan = summary.plan
    removed = {c.code for c in plan.removed} if plan else set()
    return {
        "renews_on": summary.renews_on,
        "currency": currency,
        "error": summary.error or None,
        "lines": [
            {
                "code": line.code,
                "name": line.name,
                "quantity": line.quantity,
                "quantity_now": line.was.quantity,
                "unit_price": str(line.unit_price),
                "unit_price_now": str(line.was.unit_price),
                "payment": str(line.payment),
                "term": line.was.term,
                "commitment": line.commitment or None,
                "term_start": line.term_start,
                "term_end": line.term_end,
                "renews": line.renews,
            }
            for line in (plan.lines if plan else ())
        ],
        "ending": [
            {
                "code": line.code,
                "name": line.name,
                "why": "removed" if line.code in removed else "auto_renew_off",
            }
            for line in (plan.ending if plan else ())
        ],
        "ends_everything": bool(plan and plan.ends_everything),
        "monthly_fees": str(summary.monthly),
        "monthly_fees_now": str(summary.monthly_now),
        "annual_fees": str(summary.annual),
        "annual_fees_now": str(summary.annual_now),
    }


class RenewalOut(serializers.Serializer):
    customer = serializers.IntegerField()
    lines = RenewalLineOut(many=True, help_text="Each product line of the version in effect.")
    plans = PlanOut(
        many=True,
        help_text="Per renewal day ahead, soonest first: what the agreement will be.",
    )


class AutoRenewInput(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The product line's code.")
    auto_renew = serializers.BooleanField()


class RenewalChangeInput(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The product line's code.")
    kind = serializers.ChoiceField(RenewalChange.Kind.choices)
    seats = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_USERS,
        help_text="Fewer seats: the count from the renewal.",
    )
    commitment = serializers.ChoiceField(
        Commitment.choices, required=False, allow_null=True, help_text="Another term."
    )


def _refused(error: ValidationError):
    """A service's refusal as the API says it: 409 for the renewal's state, else 400."""
    if isinstance(error, RenewalRefused):
        return ApiError(str(error), status_code=409, code="refused")
    if hasattr(error, "error_dict"):
        return FieldErrors(error.message_dict)
    return FieldErrors({"non_field_errors": error.messages})


def renewal_answer(company) -> Response:
    renewal = renewal_of(company, timezone.localdate())
    if renewal is None:
        return Response(RenewalOut({"customer": company.pk, "lines": [], "plans": []}).data)
    return Response(
        RenewalOut(
            {
                "customer": company.pk,
                "lines": [line_out(row) for row in renewal.lines],
                "plans": [plan_out(s, renewal.currency) for s in renewal.plans],
            }
        ).data
    )


class RenewalView(PortalView):
    @extend_schema(
        operation_id="customers_renewal_read",
        responses=RenewalOut,
        summary="Manage renewal: the renewal of each line, and what it makes of the agreement",
        description="No lines for a customer with nothing in effect.",
    )
    def get(self, request, pk: int):
        return renewal_answer(customer_for(request.user, pk))

    @extend_schema(
        operation_id="customers_renewal_auto_renew",
        request=AutoRenewInput,
        responses=RenewalOut,
        summary="Turn auto-renew of a product line off or on",
        description="Until the renewal deadline (409 refused after it). Off: the product ends at "
        "its term end and the changes scheduled for its renewal are cancelled.",
    )
    def patch(self, request, pk: int):
        company = customer_for(request.user, pk)
        payload = AutoRenewInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        try:
            auto_renew_set(
                company=company, code=values["code"], on=values["auto_renew"], actor=request.user
            )
        except ValidationError as exc:
            raise _refused(exc) from None
        return renewal_answer(company)


class RenewalChangeListView(PortalView):
    @extend_schema(
        operation_id="customers_renewal_changes_create",
        request=RenewalChangeInput,
        responses={201: RenewalChangeOut, 200: RenewalChangeOut},
        summary="Schedule a change for a line's renewal",
        description="Fewer seats (`seats`), the product removed, or another term (`commitment`) "
        "at the line's next renewal, until its renewal deadline (409 refused after it). A second "
        "change of the same kind replaces the first; a removal cancels the others of the "
        "product. The same change again answers 200 with the one scheduled.",
    )
    @idempotent
    def post(self, request, pk: int):
        company = customer_for(request.user, pk)
        payload = RenewalChangeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        before = set(
            company.renewal_changes.filter(status="scheduled").values_list("pk", flat=True)
        )
        try:
            change = renewal_change_schedule(
                company=company,
                code=values["code"],
                kind=values["kind"],
                seats=values.get("seats"),
                commitment=values.get("commitment") or "",
                actor=request.user,
            )
        except ValidationError as exc:
            raise _refused(exc) from None
        made = change.pk not in before
        return Response(
            RenewalChangeOut(change_out(change)).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )


class RenewalChangeDetailView(PortalView):
    @extend_schema(
        operation_id="customers_renewal_changes_cancel",
        responses={204: None},
        summary="Cancel a change scheduled for a renewal",
        description="Until the renewal deadline; after it, or once cancelled, 409 refused.",
    )
    def delete(self, request, pk: int, renewal_change_pk: int):
        company = customer_for(request.user, pk)
        try:
            change = company.renewal_changes.get(pk=renewal_change_pk)
        except RenewalChange.DoesNotExist:
            raise Http404 from None
        try:
            renewal_change_cancel(change=change, actor=request.user)
        except ValidationError as exc:
            raise _refused(exc) from None
        return Response(status=status.HTTP_204_NO_CONTENT)
