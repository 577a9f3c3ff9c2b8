"""A prospect's order: price preview, the saved draft (Save Prospect and Exit) and Submit
Order. Each runs the order form of the screen, so the rules and messages are the same."""

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.companies.models import Company
from portal.companies.selectors import company_for
from portal.core.http import client_ip
from portal.orders.forms import OrderForm
from portal.orders.models import Order, Question
from portal.orders.selectors import order_of
from portal.orders.services import AlreadySubmitted, OrderInput, order_save, order_submit
from portal.rfi.services import RfiNotSendable

from .. import serializers as s
from ..bridge import check_products, product_data, raise_form_errors
from ..errors import ApiError
from ..idempotency import idempotent, submission_key
from .base import PortalView


class OrderInputSerializer(serializers.Serializer):
    implementation_lead = serializers.IntegerField(
        required=False, help_text="Defaults to the prospect's."
    )
    permitted_users = serializers.IntegerField(
        required=False, help_text="Defaults to the prospect's."
    )
    products = s.ProductChoice(many=True, required=False, help_text="Defaults to the prospect's.")
    infrastructure = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Infrastructure Information: answers by question ("
        + ", ".join(Question.values)
        + "); every one is required to submit. `Not Known` and `Other` are always accepted.",
    )
    order_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    order_number_not_required = serializers.BooleanField(required=False)
    accept_msa = serializers.BooleanField(
        required=False, help_text="The order is governed by the MSA in effect (to submit)."
    )
    accept_authority = serializers.BooleanField(
        required=False, help_text="You are authorised to place the order (to submit)."
    )
    quoted_initial = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The Total Initial Fees you showed: the submit is refused if prices moved.",
    )


class DraftOut(serializers.Serializer):
    status = serializers.CharField()
    implementation_lead = serializers.IntegerField(allow_null=True)
    permitted_users = serializers.IntegerField(allow_null=True)
    products = s.CompanyProductOut(many=True)
    infrastructure = serializers.DictField(child=serializers.CharField())
    order_number = serializers.CharField()
    order_number_not_required = serializers.BooleanField()
    saved_at = serializers.DateTimeField(allow_null=True)
    quote = s.QuoteOut(allow_null=True)


class SubmittedOut(serializers.Serializer):
    order_id = serializers.IntegerField()
    order_number = serializers.CharField()
    order_number_not_required = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(allow_null=True)
    customer = s.CompanyOut()
    agreement = s.AgreementOut()


def _prospect(request, pk: int) -> Company:
    """The company, as long as it is still a prospect (else 409, saying who ordered it)."""
    company = company_for(request.user, pk)
    if company.status != Company.Status.PROSPECT:
        raise _not_a_prospect(company)
    return company


def _draft(company: Company) -> Order | None:
    return order_of(company)


def _form_data(company: Company, draft: Order | None, payload: dict) -> dict:
    """The form as the screen would post it: the prospect's and the draft's values, with the
    request's on top."""
    products = payload.get("products")
    if products is None:
        products = s.company_products(company)
    data = {
        "implementation_lead": payload.get("implementation_lead", company.implementation_lead_id)
        or "",
        "permitted_users": payload.get("permitted_users", company.permitted_users) or "",
        "order_number": payload.get("order_number", draft.order_number if draft else ""),
        "idempotency_key": str(uuid.uuid4()),
        **product_data(products),
    }
    not_required = payload.get(
        "order_number_not_required", draft.order_number_not_required if draft else False
    )
    for name, ticked in (
        ("order_number_not_required", not_required),
        ("accept_msa", payload.get("accept_msa")),
        ("accept_authority", payload.get("accept_authority")),
    ):
        if ticked:
            data[name] = "on"
    answers = {**(draft.infrastructure if draft else {}), **payload.get("infrastructure", {})}
    data.update({question: answers.get(question, "") for question in Question.values})
    if payload.get("quoted_initial") is not None:
        data["quoted_initial"] = str(payload["quoted_initial"])
    return data


def _bound_form(request, company, *, submitting: bool, key: uuid.UUID | None = None):
    payload = OrderInputSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    values = payload.validated_data
    unknown = set(values.get("infrastructure", {})) - set(Question.values)
    if unknown:
        raise ApiError(
            "Unknown infrastructure question.",
            status_code=400,
            code="invalid",
            fields={f"infrastructure.{q}": ["Not a question of the order form."] for q in unknown},
        )
    draft = _draft(company)
    data = _form_data(company, draft, values)
    if key is not None:
        data["idempotency_key"] = str(key)
    form = OrderForm(data, company=company, order=draft, submitting=submitting)
    check_products(form, values.get("products"))
    if not form.is_valid():
        raise_form_errors(form, renames=dict.fromkeys(Question.values, "infrastructure"))
    return form


def _input(form) -> OrderInput:
    return OrderInput(
        implementation_lead=form.cleaned_data["implementation_lead"],
        permitted_users=form.cleaned_data["permitted_users"],
        products=form.chosen_products(),
        infrastructure=form.infrastructure(),
        order_number=form.cleaned_data["order_number"],
        order_number_not_required=form.cleaned_data["order_number_not_required"],
    )


def _not_a_prospect(company: Company) -> ApiError:
    order = Order.objects.filter(company=company, status=Order.Status.SUBMITTED).first()
    if order:
        who = order.submitted_by or "a user no longer with your MSP"
        when = f"{order.submitted_at:%Y-%m-%d %H:%M}"
        message = f"The order for {company} was submitted by {who} on {when}."
    else:
        message = f"{company} is a customer already."
    return ApiError(message, status_code=409, code="already_submitted")


def _draft_data(company: Company, draft: Order | None, quote) -> dict:
    return {
        "status": draft.status if draft else "none",
        "implementation_lead": company.implementation_lead_id,
        "permitted_users": company.permitted_users,
        "products": s.company_products(company),
        "infrastructure": draft.infrastructure if draft else {},
        "order_number": draft.order_number if draft else "",
        "order_number_not_required": draft.order_number_not_required if draft else False,
        "saved_at": draft.saved_at if draft else None,
        "quote": s.quote_data(quote) if quote else None,
    }


def submitted_data(order: Order) -> dict:
    return {
        "order_id": order.pk,
        "order_number": order.order_number,
        "order_number_not_required": order.order_number_not_required,
        "submitted_at": order.submitted_at,
        "submitted_by": str(order.submitted_by) if order.submitted_by_id else None,
        "customer": order.company,
        "agreement": s.agreement_data(order.agreement),
    }


class OrderView(PortalView):
    @extend_schema(
        operation_id="orders_read",
        responses=DraftOut,
        summary="The prospect's order as saved",
        description="What Review Order opens: the saved draft (or the prospect's products when "
        "there is none) and its totals at today's prices.",
    )
    def get(self, request, pk: int):
        company = _prospect(request, pk)
        draft = _draft(company)
        quote = OrderForm(company=company, order=draft).quote()
        return Response(DraftOut(_draft_data(company, draft, quote)).data)

    @extend_schema(
        operation_id="orders_save",
        request=OrderInputSerializer,
        responses=DraftOut,
        summary="Save Prospect and Exit",
        description="Keeps the prospect's changes and the draft order; nothing is ordered and "
        "the company stays a prospect.",
    )
    def put(self, request, pk: int):
        company = _prospect(request, pk)
        form = _bound_form(request, company, submitting=False)
        try:
            order_save(company=company, actor=request.user, data=_input(form))
        except AlreadySubmitted as exc:
            raise _not_a_prospect(exc.company) from None
        company.refresh_from_db()
        return Response(DraftOut(_draft_data(company, _draft(company), form.quote())).data)


class OrderPreviewView(PortalView):
    @extend_schema(
        operation_id="orders_preview",
        request=OrderInputSerializer,
        responses=s.QuoteOut,
        summary="Price an order",
        description="The Managed Service Providers Agreement box: lines and the four totals "
        "from your contracted prices. Nothing is saved.",
    )
    def post(self, request, pk: int):
        company = _prospect(request, pk)
        form = _bound_form(request, company, submitting=False)
        return Response(s.QuoteOut(s.quote_data(form.quote())).data)


class OrderSubmitView(PortalView):
    @extend_schema(
        operation_id="orders_submit",
        request=OrderInputSerializer,
        responses={201: SubmittedOut, 200: SubmittedOut},
        summary="Submit Order",
        description="Everything is required: the infrastructure answers, an order number or "
        "order_number_not_required, and both statements. The prospect becomes a customer In "
        "Progress with agreement version 1 New Order Pending; the addendum and the Request for "
        "Information are e-mailed. With an Idempotency-Key, a retry returns the same order.",
    )
    @idempotent
    def post(self, request, pk: int):
        company = company_for(request.user, pk)
        key = submission_key(request)
        if company.status != Company.Status.PROSPECT:
            order = Order.objects.filter(company=company, idempotency_key=key).first()
            if order is None:
                raise _not_a_prospect(company)
            return Response(SubmittedOut(submitted_data(order)).data)
        form = _bound_form(request, company, submitting=True, key=key)
        try:
            order, made = order_submit(
                company=company,
                actor=request.user,
                data=_input(form),
                key=key,
                ip=client_ip(request),
            )
        except AlreadySubmitted as exc:
            raise _not_a_prospect(exc.company) from None
        except RfiNotSendable as exc:
            raise ApiError(
                exc.message,
                status_code=400,
                code="invalid",
                fields={"implementation_lead": [exc.message]},
            ) from None
        order.company.refresh_from_db()
        return Response(
            SubmittedOut(submitted_data(order)).data,
            status=status.HTTP_201_CREATED if made else status.HTTP_200_OK,
        )
