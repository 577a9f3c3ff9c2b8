"""Prospects: the Prospect List, Create Prospect, its edit page, Verify and delete."""

from django.core.exceptions import ValidationError
from django.forms import CharField, URLField
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response

from portal.catalog.selectors import products_enabled_for
from portal.companies.columns import PROSPECT_LIST, SORTS
from portal.companies.domains import domain_verify
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS, own_seats_errors
from portal.companies.selectors import prospect_for
from portal.companies.services import EDITABLE, company_create, company_delete, company_update
from portal.prospects import rules
from portal.prospects.views import prospect_rows

from .. import serializers as s
from ..bridge import REQUIRED, Problems, refuse_unknown
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


# The website as the screen's field parses it (https:// assumed), and as the model stores it.
WEBSITE = URLField(required=False, assume_scheme="https")
WEBSITE_STORED = CharField(max_length=Company._meta.get_field("website").max_length)


def _values(company: Company | None, payload: dict) -> dict:
    """What is stored (when editing), with what the request gives on top."""
    if company is None:
        return {**dict.fromkeys(EDITABLE), "products": [], **payload}
    stored = {name: getattr(company, Company._meta.get_field(name).attname) for name in EDITABLE}
    return {**stored, "products": s.company_products(company), **payload}


def _save(request, company: Company | None, payload: dict) -> Company:
    """The prospect's fields through the screen's checks, in its words and order."""
    partner = request.user.partner
    enabled = list(products_enabled_for(partner=partner))
    refuse_unknown(enabled, payload.get("products"))
    values = _values(company, payload)
    problems = Problems()
    fields = _checked(problems, partner, company, values)
    products, _ = problems.products(enabled, values["products"])
    if error := rules.contacts_error(fields["implementation_lead"], fields["secondary_contact"]):
        problems.add("secondary_contact", error)
    for code, message in own_seats_errors(products, fields["permitted_users"]).items():
        problems.add(f"products.{code}", message)
    if fields["website"]:
        # Said last, as the screen does: its form leaves the model's limits to the end.
        problems.parse("website", WEBSITE_STORED, fields["website"])
    problems.raise_any()
    if company:
        stored = prospect_for(request.user, company.pk)
        saved = company_update(company=stored, actor=request.user, products=products, **fields)
    else:
        saved = company_create(partner=partner, actor=request.user, products=products, **fields)
    warning = rules.name_warning(values["name"])
    saved.warnings = [warning] if warning else []
    return saved


def _checked(problems: Problems, partner, company: Company | None, values: dict) -> dict:
    """Each field as the Create Prospect form checks it, in its order; None where refused."""
    pk = company.pk if company else None
    known = rules.Known.load_one(
        partner.pk, name=values["name"] or "", domain=values["domain"] or ""
    )
    fields = {}
    for name in EDITABLE:
        value = values[name]
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and name in rules.REQUIRED:
            problems.add(name, REQUIRED)
            fields[name] = None
            continue
        try:
            fields[name] = _field(problems, partner, name, value, known, pk)
        except ValidationError as exc:
            for message in exc.messages:
                problems.add(name, message)
            fields[name] = None
    return fields


def _field(problems: Problems, partner, name: str, value, known: rules.Known, pk: int | None):
    if name == "name":
        return rules.check_name(value, known, pk=pk)
    if name == "domain":
        return rules.check_domain(value, known, pk=pk)
    if name == "website":
        return problems.parse(name, WEBSITE, value)
    if name in ("implementation_lead", "secondary_contact"):
        return None if value is None else problems.lead(partner, value, name)
    if name == "expected_provision_date":
        rules.check_provision_date(value, creating=pk is None)
    if name == "permitted_users":
        return problems.count(name, value, high=MAX_USERS)
    return value


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
