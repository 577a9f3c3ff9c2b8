"""Customers: the In Progress and Complete lists, a customer, its agreements, history and
attachments, and Cancel downsell."""

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from portal.changes.downsell import CannotCancel, downsell_cancel
from portal.companies.lifecycle import change_options_state
from portal.companies.models import Agreement
from portal.companies.selectors import agreement_for, customer_for
from portal.core.history import history_for
from portal.customers.list_views import CompleteListView, InProgressListView
from portal.customers.views import attachment_download
from portal.rfi.models import rfi_summary_of

from .. import serializers as s
from ..errors import ApiError
from ..idempotency import idempotent
from .base import PortalView, company_list_answer
from .customer_details import CustomerDetailsInput, details_patch
from .prospects import LIST_PARAMETERS

LISTS = {
    "in_progress": InProgressListView,
    "complete": CompleteListView,
}


class ChangeOptionsOut(serializers.Serializer):
    enabled = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why not, when not enabled.")
    opens_again = serializers.CharField(help_text="When it opens again, where known.")


class RfiOut(serializers.Serializer):
    status = serializers.ChoiceField(
        ["not_answered", "queued", "sent", "returned", "confirmed"],
        help_text="Where the Request for Information is: the new order waits for its answers, "
        "which go to the vendor; confirmed with the order.",
    )
    label = serializers.CharField(help_text="The same in words, as the In Progress list says.")
    answers_version = serializers.IntegerField(help_text="Each change of the answers adds one.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    vendor_updated_at = serializers.DateTimeField(allow_null=True)
    editable = serializers.BooleanField(help_text="The form takes changes until confirmed.")


class CustomerOut(s.CompanyOut):
    change_options = ChangeOptionsOut()
    agreement_in_effect = s.AgreementOut(
        allow_null=True, help_text="The version in effect today (status active)."
    )
    agreement_scheduled = s.AgreementOut(
        allow_null=True,
        help_text="A version confirmed by the vendor that takes effect on a later day (a "
        "downsell at the billing date), if any; until then the one in effect stays.",
    )
    scheduled_from = serializers.DateField(
        allow_null=True,
        help_text="The day the scheduled version takes effect and the one in effect stops (its "
        "effective_until): the scheduled version's effective_from; null when none is scheduled.",
    )
    rfi = RfiOut(
        source="rfi_summary", allow_null=True, help_text="The Request for Information, if sent."
    )


class HistoryOut(serializers.Serializer):
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    summary = serializers.CharField()
    changes = serializers.DictField(child=serializers.ListField())


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    download = serializers.CharField(help_text="URL of the file.")


class CustomerListView(PortalView):
    @extend_schema(
        operation_id="customers_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=list(LISTS),
                required=True,
                description="Customers | In Progress or Customers | Complete.",
            ),
            *LIST_PARAMETERS,
        ],
        responses=s.CompanyPage,
        summary="Customers | In Progress, Customers | Complete",
    )
    def get(self, request):
        wanted = request.query_params.get("status", "")
        view = LISTS.get(wanted)
        if view is None:
            raise ApiError(
                "Say which list: status=in_progress or status=complete.",
                status_code=400,
                code="invalid",
                fields={"status": [f"Choose one of: {', '.join(LISTS)}."]},
            )
        answer = company_list_answer(request, status=view.status, columns=view.columns)
        return Response(s.CompanyPage(answer).data)


class CustomerDetailView(PortalView):
    @extend_schema(operation_id="customers_read", responses=CustomerOut, summary="A customer")
    def get(self, request, pk: int):
        return self.answer(customer_for(request.user, pk))

    @extend_schema(
        operation_id="customers_partial_update",
        request=CustomerDetailsInput,
        responses=CustomerOut,
        summary="Edit Details: website, sector, implementation lead, secondary contact",
        description="Outside Change Options, with the customer page's checks and one History "
        "Log entry. Give the updated_at you read to be refused (409 changed_since) rather than "
        "overwrite what someone saved since.",
    )
    def patch(self, request, pk: int):
        company = customer_for(request.user, pk)
        details_patch(request, company)
        return self.answer(customer_for(request.user, pk))

    def answer(self, company):
        agreements = list(company.agreements.select_related("created_by"))
        active = next((a for a in agreements if a.status == Agreement.Status.ACTIVE), None)
        scheduled = next((a for a in agreements if a.status == Agreement.Status.SCHEDULED), None)
        prefetch_related_objects([a for a in (active, scheduled) if a], "lines")
        state = change_options_state(company, agreements=agreements)
        company.change_options = state
        company.agreement_in_effect = s.agreement_out(active) if active else None
        company.agreement_scheduled = s.agreement_out(scheduled) if scheduled else None
        company.scheduled_from = scheduled.effective_from if scheduled else None
        company.rfi_summary = rfi_summary_of(company)
        return Response(CustomerOut(company).data)


class AgreementListView(PortalView):
    @extend_schema(
        operation_id="customers_agreements",
        responses=s.AgreementOut(many=True),
        summary="Agreements: every version, newest first",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        agreements = company.agreements.select_related("created_by").prefetch_related("lines")
        rows = [s.agreement_out(a) for a in agreements.order_by("-version")]
        return Response(s.AgreementOut(rows, many=True).data)


class HistoryView(PortalView):
    @extend_schema(
        operation_id="customers_history",
        responses=HistoryOut(many=True),
        summary="History Log, newest first",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        entries = history_for(company)[:500]
        return Response(
            HistoryOut(
                [
                    {
                        "created_at": e.created_at,
                        "actor": str(e.actor) if e.actor_id else None,
                        "action": e.get_action_display(),
                        "summary": e.summary,
                        "changes": e.changes,
                    }
                    for e in entries
                ],
                many=True,
            ).data
        )


class AttachmentListView(PortalView):
    @extend_schema(
        operation_id="customers_attachments",
        responses=AttachmentOut(many=True),
        summary="Attachments (order addenda first of all)",
    )
    def get(self, request, pk: int):
        company = customer_for(request.user, pk)
        rows = [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "created_at": a.created_at,
                "download": request.build_absolute_uri(f"{request.path}{a.pk}/"),
            }
            for a in company.attachments.order_by("-created_at")
        ]
        return Response(AttachmentOut(rows, many=True).data)


class AttachmentDownloadView(PortalView):
    @extend_schema(
        operation_id="customers_attachment_download",
        # The file's own type: application/pdf for an addendum.
        responses={(200, "*/*"): OpenApiTypes.BINARY},
        summary="Download an attachment",
    )
    def get(self, request, pk: int, attachment_pk: int):
        return attachment_download(user=request.user, company_pk=pk, pk=attachment_pk)


class DownsellCancelView(PortalView):
    @extend_schema(
        operation_id="customers_cancel_downsell",
        request=None,
        responses=s.AgreementOut,
        summary="Cancel downsell",
        description="The downsell version will not take effect; the one before stays. Possible "
        "until the deadline (the billing date less the partner's notice days).",
    )
    @idempotent
    def post(self, request, pk: int, agreement_pk: int):
        agreement = agreement_for(request.user, agreement_pk, company_pk=pk)
        try:
            downsell_cancel(agreement=agreement, actor=request.user)
        except CannotCancel as exc:
            raise ApiError(
                f"The downsell was not cancelled. {exc}", status_code=409, code="cannot_cancel"
            ) from None
        agreement.refresh_from_db()
        return Response(s.AgreementOut(s.agreement_out(agreement)).data)
