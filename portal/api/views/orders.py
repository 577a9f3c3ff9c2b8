"""A prospect's order: price preview, the saved draft (Save Prospect and Exit) and Submit
Order. The input is checked by the order's rules (``orders.rules``), as on the screen, so the
messages are the same."""

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.catalog.models import Commitment, Product
from portal.catalog.selectors import products_enabled_for
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.companies.selectors import company_for
from portal.companies.terms import LineTerm, default_term
from portal.core.http import client_ip
from portal.orders.infrastructure import Options
from portal.orders.models import Order, Question
from portal.orders.quote import prospect_quote
from portal.orders.rules import (
    UNTICKED,
    PricesMoved,
    key_error,
    order_check,
    order_number_error,
    statement_errors,
)
from portal.orders.selectors import order_of
from portal.orders.services import AlreadySubmitted, OrderInput, order_save, order_submit
from portal.pricing import OrderQuote
from portal.rfi.services import RfiNotSendable

from .. import serializers as s
from ..bridge import NOT_A_CHOICE, REQUIRED, Problems, refuse_unknown
from ..errors import ApiError, FieldErrors
from ..idempotency import idempotent, submission_key
from .base import PortalView


class OrderProductChoice(s.ProductChoice):
    commitment = serializers.ChoiceField(
        Commitment.choices,
        required=False,
        help_text="The subscription term, one of the product's terms_offered (see the price "
        "list); default: the product's (a product priced per year: 1y where offered). A "
        "one-time charge has none.",
    )
    auto_renew = serializers.BooleanField(required=False, help_text="Default: true.")


class OrderInputSerializer(serializers.Serializer):
    implementation_lead = serializers.IntegerField(
        required=False, help_text="Defaults to the prospect's."
    )
    permitted_users = serializers.IntegerField(
        required=False, help_text="Defaults to the prospect's."
    )
    products = OrderProductChoice(
        many=True, required=False, help_text="Defaults to the prospect's (and the draft's terms)."
    )
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


class SavedTermOut(serializers.Serializer):
    code = serializers.CharField()
    commitment = serializers.ChoiceField(Commitment.choices)
    auto_renew = serializers.BooleanField()


class DraftOut(serializers.Serializer):
    status = serializers.CharField()
    implementation_lead = serializers.IntegerField(allow_null=True)
    permitted_users = serializers.IntegerField(allow_null=True)
    products = s.CompanyProductOut(many=True)
    terms = SavedTermOut(many=True, help_text="The terms chosen for the draft, by product.")
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


def _enabled(company: Company) -> list[Product]:
    return list(
        products_enabled_for(partner=company.partner).prefetch_related("addable_to", "upgrades")
    )


def _order_input(
    request, company: Company, *, submitting: bool, key: uuid.UUID | None = None
) -> tuple[OrderInput, OrderQuote | None]:
    """The request over the prospect's and the draft's values, through the order's rules: what
    the order form checks, in its words and order, under the API's field names."""
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
    draft = order_of(company)
    enabled = _enabled(company)
    refuse_unknown(enabled, values.get("products"))
    problems = Problems()
    if submitting:
        ticks = values.get("accept_msa"), values.get("accept_authority")
        problems.add_all(statement_errors(*ticks, unticked=UNTICKED))
    if key is not None and (error := key_error(key, company)):
        problems.add("idempotency_key", error)
    # As the form took it: no lead or 0 is none.
    lead = problems.lead(
        company.partner, values.get("implementation_lead", company.implementation_lead_id) or None
    )
    users = values.get("permitted_users", company.permitted_users)
    if users:
        users = problems.count("permitted_users", users, high=MAX_USERS)
    else:
        problems.add("permitted_users", REQUIRED)
    wanted = values.get("products")
    products, priceable = problems.products(
        enabled, s.company_products(company) if wanted is None else wanted
    )
    terms = _terms(products, wanted, draft, problems)
    infrastructure = _answers(draft, values.get("infrastructure", {}), problems, submitting)
    shown = values.get("quoted_initial")
    check = order_check(
        company.partner,
        products=products,
        users=users,
        priceable=priceable and bool(users),
        shown=shown if submitting else None,
    )
    for code, message in check.seats.items():
        problems.add(f"products.{code}", message)
    for message in check.general:
        problems.add(None, message)
    number = values.get("order_number", draft.order_number if draft else "")
    not_required = values.get(
        "order_number_not_required", draft.order_number_not_required if draft else False
    )
    if error := order_number_error(number, not_required, submitting=submitting):
        problems.add("order_number", error)
    problems.raise_any()
    data = OrderInput(
        implementation_lead=lead,
        permitted_users=users,
        products=products,
        infrastructure=infrastructure,
        order_number=number,
        order_number_not_required=not_required,
        shown_initial=shown,
        terms=terms,
    )
    return data, check.quote


def _terms(products, wanted: list[dict] | None, draft: Order | None, problems: Problems) -> dict:
    """The term of each product ordered, as the order form's Terms take it: the one asked for
    (a term the product is offered on), else the draft's, else the product's default."""
    given = {item["code"]: item for item in wanted or []}
    saved = draft.terms if draft and wanted is None else {}
    terms = {}
    for product in products:
        if not default_term(product):
            continue  # a one-time charge
        item = given.get(product.code) or saved.get(product.code) or {}
        commitment = item.get("commitment") or default_term(product)
        offered = [term.value for term in product.terms()]
        if commitment not in offered:
            labels = ", ".join(term.value for term in product.terms())
            problems.add(
                f"products.{product.code}",
                f"{product.code} is not offered on a {Commitment(commitment).label}: "
                f"choose one of {labels}.",
            )
            continue
        terms[product.code] = LineTerm(commitment, item.get("auto_renew", True))
    return terms


def _answers(draft: Order | None, given: dict, problems: Problems, submitting: bool) -> dict:
    """Infrastructure Information: the draft's answers with the request's on top, each one
    that is given among the answers offered; all of them to submit."""
    saved = draft.infrastructure if draft else {}
    answers = {**saved, **given}
    options, server_os = Options(), answers.get(Question.SERVER_OS, "")
    infrastructure = {}
    for question in Question.values:
        answer = answers.get(question, "")
        if not answer:
            if submitting:
                problems.add("infrastructure", REQUIRED)
        elif answer in options.offered(question, server_os, saved.get(question, "")):
            infrastructure[question] = answer
        else:
            problems.add("infrastructure", NOT_A_CHOICE % {"value": answer})
    return infrastructure


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
        "terms": [{"code": code, **term} for code, term in (draft.terms if draft else {}).items()],
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
        "agreement": s.agreement_out(order.agreement),
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
        draft = order_of(company)
        quote = prospect_quote(company, _enabled(company))
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
        data, quote = _order_input(request, company, submitting=False)
        try:
            order_save(company=company, actor=request.user, data=data)
        except AlreadySubmitted as exc:
            raise _not_a_prospect(exc.company) from None
        company.refresh_from_db()
        return Response(DraftOut(_draft_data(company, order_of(company), quote)).data)


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
        _, quote = _order_input(request, company, submitting=False)
        return Response(s.QuoteOut(s.quote_data(quote)).data)


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
        data, _ = _order_input(request, company, submitting=True, key=key)
        try:
            order, made = order_submit(
                company=company, actor=request.user, data=data, key=key, ip=client_ip(request)
            )
        except AlreadySubmitted as exc:
            raise _not_a_prospect(exc.company) from None
        except PricesMoved as exc:
            raise FieldErrors({"__all__": [exc.message]}) from None
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
