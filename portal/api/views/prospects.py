"""Prospects: the Prospect List, Create Prospect, its edit page, Verify and delete."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from portal.companies.columns import PROSPECT_LIST, SORTS
from portal.companies.domains import domain_verify
from portal.companies.models import Company
from portal.companies.selectors import prospect_for
from portal.companies.services import EDITABLE, company_create, company_delete, company_update
from portal.prospects.forms import ProspectForm
from portal.prospects.views import prospect_rows

from .. import serializers as s
from ..bridge import check_products, product_data, raise_form_errors
from ..idempotency import idempotent
from ..permissions import IsMspAdmin
from .base import PortalView, company_list_answer

LIST_PARAMETERS = [
    OpenApiParameter("q", str, description="Part of the company name."),
    OpenApiParameter("letter", str, description="First letter, A–Z, or # for a digit."),
    OpenApiParameter(
        "sort",
        str,
        description=f"A column: {', '.join(column.key for column in SORTS)}; "
        "a leading - sorts Z→A.",
    ),
    OpenApiParameter("page", int, description="Pages of 50, from 1."),
]


class ProspectRow(s.CompanyRow):
    has_saved_order = s.serializers.BooleanField()


class ProspectPage(s.PageOut):
    results = ProspectRow(many=True)


def _form_data(company: Company | None, payload: dict) -> dict:
    """The form's data: what is stored (when editing), with what the request gives on top."""
    data: dict = {}
    if company is not None:
        for name in EDITABLE:
            value = getattr(company, f"{name}_id" if name in _FOREIGN else name)
            data[name] = "" if value is None else value
        products = s.company_products(company)
    else:
        products = []
    for name, value in payload.items():
        if name != "products":
            data[name] = "" if value is None else value
    products = payload.get("products", products)
    data.update(product_data(products))
    return data


_FOREIGN = {"implementation_lead", "secondary_contact"}


def _save(request, company: Company | None, payload: dict) -> Company:
    form = ProspectForm(
        _form_data(company, payload), instance=company or Company(), partner=request.user.partner
    )
    check_products(form, payload.get("products"))
    if not form.is_valid():
        raise_form_errors(form)
    if company:
        stored = prospect_for(request.user, company.pk)
        saved = company_update(
            company=stored,
            actor=request.user,
            products=form.chosen_products(),
            **form.company_fields(),
        )
    else:
        saved = company_create(
            partner=request.user.partner,
            actor=request.user,
            products=form.chosen_products(),
            **form.company_fields(),
        )
    saved.warnings = [form.name_warning] if form.name_warning else []
    return saved


class ProspectListView(PortalView):
    @extend_schema(
        operation_id="prospects_list",
        parameters=LIST_PARAMETERS,
        responses=ProspectPage,
        summary="Prospect List",
    )
    def get(self, request):
        answer = company_list_answer(
            request, status=Company.Status.PROSPECT, columns=PROSPECT_LIST, rows=prospect_rows()
        )
        return Response(ProspectPage(answer).data)

    @extend_schema(
        operation_id="prospects_create",
        request=s.ProspectInput,
        responses={201: s.ProspectOut},
        summary="Create Prospect",
    )
    @idempotent
    def post(self, request):
        payload = s.ProspectInput(data=request.data)
        payload.is_valid(raise_exception=True)
        company = _save(request, None, payload.validated_data)
        return Response(s.ProspectOut(company).data, status=status.HTTP_201_CREATED)


class ProspectDetailView(PortalView):
    def get_object(self, pk: int) -> Company:
        return prospect_for(self.request.user, pk)

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsMspAdmin()]
        return super().get_permissions()

    @extend_schema(operation_id="prospects_read", responses=s.ProspectOut)
    def get(self, request, pk: int):
        return Response(s.ProspectOut(self.get_object(pk)).data)

    @extend_schema(
        operation_id="prospects_update",
        request=s.ProspectInput,
        responses=s.ProspectOut,
        summary="Change a prospect (all fields)",
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        operation_id="prospects_partial_update",
        request=s.ProspectInput(partial=True),
        responses=s.ProspectOut,
        summary="Change some fields of a prospect",
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool):
        company = self.get_object(pk)
        payload = s.ProspectInput(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        company = _save(request, company, payload.validated_data)
        return Response(s.ProspectOut(company).data)

    @extend_schema(
        operation_id="prospects_delete", responses={204: None}, summary="Delete a prospect (Admins)"
    )
    def delete(self, request, pk: int):
        company_delete(company=self.get_object(pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyDomainView(PortalView):
    @extend_schema(
        operation_id="prospects_verify_domain",
        request=s.DomainCheckInput,
        responses=s.DomainCheckOut,
        summary="Verify a domain",
        description="Syntax, DNS (MX, else A) and whether any MSP's company holds it already "
        "(the other MSP is not named). `dns` is `unknown` when DNS could not be asked.",
    )
    def post(self, request):
        payload = s.DomainCheckInput(data=request.data)
        payload.is_valid(raise_exception=True)
        check = domain_verify(
            payload.validated_data["domain"],
            partner_id=request.user.partner_id,
            exclude_pk=payload.validated_data.get("exclude_id"),
        )
        own = check.own_company
        return Response(
            s.DomainCheckOut(
                {
                    "domain": check.domain,
                    "ok": check.ok,
                    "syntax_error": check.syntax_error,
                    "dns": None if check.syntax_error else str(check.dns),
                    "dns_record": check.dns_record,
                    "own_company": own.name if own else None,
                    "conflict": check.conflict,
                }
            ).data
        )
