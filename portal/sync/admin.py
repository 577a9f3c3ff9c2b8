"""The vendor console's side of sync: provisioning requests with their delivery state and
every callback received; retry, confirm and reject (with a reason) as actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from portal.companies.models import Agreement, AgreementLine, Company
from portal.core.outbox.admin import DeliverableAdmin, report
from portal.core.text import Form
from portal.rfi.models import InformationRequest

from .callbacks import staff_settle, staff_settle_agreement
from .models import ProvisioningCallback, ProvisioningRequest, RefusedCallbacks
from .tasks import request_retry
from .timeline import timeline_of


def timeline_link(company_id: int, name: str):
    """A link to the customer's time line, named so that a list of them reads well."""
    url = reverse("admin:companies_agreement_timeline", args=[company_id])
    return format_html('<a href="{}" aria-label="Time line of {}">Time line</a>', url, name)


class ReasonForm(Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Shown to the MSP on the customer's page and in the e-mail they get.",
    )


def ask_reason(modeladmin, request, queryset, *, action: str, title: str):
    """The reason for a rejection: the form on the first call, the cleaned reason once it is
    filled in (the action is posted again with the selection and ``apply``)."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["reason"], None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": queryset,
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return None, TemplateResponse(request, "admin/reject_reason.html", context)


class CallbackInline(admin.TabularInline):
    model = ProvisioningCallback
    fields = ["received_at", "source", "outcome", "reason", "http_status", "result", "actor"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProvisioningRequest)
class ProvisioningRequestAdmin(DeliverableAdmin):
    list_display = [
        "created_at",
        "company",
        "action",
        "version",
        "status",
        "attempts",
        "short_error",
        "time_line",
    ]
    list_filter = ["status", "action", "partner"]
    search_fields = ["company__name", "key"]
    list_select_related = ["company", "partner"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "partner",
        "company",
        "agreement",
        "action",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "response_code",
        "delivered_at",
        "settled_at",
        "settled_by",
        "reason",
        "created_at",
        "time_line",
        "payload_json",
    ]
    readonly_fields = fields
    inlines = [CallbackInline]
    actions = ["retry", "confirm_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="version")
    def version(self, obj):
        return obj.payload["agreement"]["version"]

    @admin.display(description="customer's time line")
    def time_line(self, obj):
        return timeline_link(obj.company_id, obj.company.name)

    @admin.action(description="Deliver the selected failed requests again")
    def retry(self, request, queryset):
        self.redeliver_selected(
            request,
            queryset.select_related("company"),
            retry=lambda item: request_retry(request=item),
            label=lambda item: f"{item.company} ({item.get_action_display()})",
        )

    def _settle(self, request, queryset, outcome: str, reason: str, verb: str) -> None:
        done, skipped = [], []
        for item in queryset.select_related("company"):
            label = f"{item.company} ({item.get_action_display()})"
            answer = staff_settle(request=item, outcome=outcome, reason=reason, actor=request.user)
            if answer.body.get("result") == "applied":
                done.append(label)
            else:
                why = answer.body.get("detail") or answer.body.get("error")
                skipped.append(f"{label}: {why.rstrip('.')}")
        report(self, request, done, skipped, verb)

    @admin.action(description="Confirm (synced)")
    def confirm_selected(self, request, queryset):
        self._settle(request, queryset, ProvisioningRequest.Status.SYNCED, "", "confirmed")

    @admin.action(description="Reject…")
    def reject_selected(self, request, queryset):
        reason, page = ask_reason(
            self,
            request,
            queryset,
            action="reject_selected",
            title="Reject provisioning requests",
        )
        if page:
            return page
        self._settle(request, queryset, ProvisioningRequest.Status.REJECTED, reason, "rejected")
        return None


@admin.register(ProvisioningCallback)
class ProvisioningCallbackAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "request", "outcome", "http_status", "result"]
    list_filter = ["source", "http_status", "outcome"]
    list_select_related = ["request"]
    readonly_fields = [f.name for f in ProvisioningCallback._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RefusedCallbacks)
class RefusedCallbacksAdmin(admin.ModelAdmin):
    """Counts only; delete a row to start its count again (after fixing the secret, say)."""

    list_display = ["reason", "count", "first_at", "last_at", "last_remote_addr", "last_error"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The console's Agreements list lives here: its actions are the vendor confirming or rejecting.
class AgreementLineInline(admin.TabularInline):
    model = AgreementLine
    extra = 0
    readonly_fields = [
        "product",
        "code",
        "name",
        "term",
        "charge",
        "quantity",
        "unit_price",
        "payment",
        # The subscription term: set by the order, the sync and renewals, never by hand.
        "commitment",
        "billing",
        "term_start",
        "term_end",
        "auto_renew",
    ]
    can_delete = False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = [
        "company",
        "version",
        "status",
        "total_users",
        "created_at",
        "activated_at",
        "rfi_progress",
        "time_line",
    ]
    list_filter = ["status", "created_at", "company__partner"]
    search_fields = ["company__name"]
    list_select_related = ["company", "company__rfi"]
    raw_id_fields = ["company", "created_by"]
    # The effective dates follow the status moves (versions_move, the scheduled job).
    readonly_fields = ["effective_from", "effective_until", "rfi_answers"]
    inlines = [AgreementLineInline]
    actions = ["confirm_selected", "reject_selected"]

    def get_urls(self):
        # Before the admin's own: its "<object_id>/" would take "timeline/…" too.
        return [
            path(
                "timeline/<int:company_id>/",
                self.admin_site.admin_view(self.timeline_view),
                name="companies_agreement_timeline",
            ),
            *super().get_urls(),
        ]

    def timeline_view(self, request, company_id: int):
        """A customer's versions in time and the terms of their lines (read only)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        company = get_object_or_404(Company.objects.select_related("partner"), pk=company_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Time line of {company.name}",
            "opts": self.model._meta,
            "company_opts": Company._meta,
            "timeline": timeline_of(company),
        }
        return TemplateResponse(request, "admin/companies/agreement/timeline.html", context)

    @admin.display(description="customer's time line")
    def time_line(self, obj):
        return timeline_link(obj.company_id, obj.company.name)

    @staticmethod
    def _rfi(obj):
        if obj.status != Agreement.Status.NEW_ORDER_PENDING:
            return None  # only a new customer's order waits for its RFI
        return InformationRequest.objects.filter(company_id=obj.company_id).first()

    @admin.display(description="Request for Information")
    def rfi_progress(self, obj):
        """A new order is confirmed once its RFI answers have reached the vendor: said here,
        so that staff know why Mark as synced is refused before."""
        if obj.status != Agreement.Status.NEW_ORDER_PENDING:
            return "—"
        rfi = getattr(obj.company, "rfi", None)
        if rfi is None:
            return "—"
        if rfi.answers_version == 0:
            return "Not answered: the order waits for it"
        return rfi.progress()

    @admin.display(description="Request for Information answers")
    def rfi_answers(self, obj):
        rfi = self._rfi(obj)
        if rfi is None:
            return "—"
        if rfi.answers_version == 0:
            return "Not answered yet: this order can be confirmed once the answers arrive."
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd>{}</dd>",
            ((label, value or "—") for label, value in rfi.answer_rows()),
        )
        return format_html(
            "<p>{} (version {})</p><dl>{}</dl>", rfi.progress(), rfi.answers_version, rows
        )

    def _apply(
        self, request, queryset, service, target: str, done: str, scheduled_too: bool = False
    ) -> None:
        """Run ``service`` on each selected version (each in its own transaction: one that
        cannot change does not undo the others) and say what changed and what was skipped.
        ``scheduled_too``: a version that became Scheduled (synced, taking effect on a later
        date: a downsell) is done too, and said apart with its date."""
        changed, scheduled, skipped = [], [], []
        for agreement in queryset.select_related("company").order_by("company__name", "version"):
            label = f"{agreement.company} v{agreement.version}"
            if agreement.status not in Agreement.PENDING:
                skipped.append(f"{label} (not pending: {agreement.get_status_display()})")
                continue
            was = agreement.status  # the service refreshes ``agreement`` in place
            result, said = service(agreement)
            if result.status == was and said:
                # Refused as it was: a new order waiting for its Request for Information.
                skipped.append(f"{label} ({said.rstrip('.')})")
            elif scheduled_too and result.status == Agreement.Status.SCHEDULED:
                scheduled.append(f"{label} from {result.effective_from:%Y-%m-%d}")
            elif result.status != target:
                # Someone else (a callback, a cancel) closed it between the list and now.
                skipped.append(f"{label} (meanwhile {result.get_status_display()})")
            else:
                changed.append(label)
        for labels, what in (
            (changed, done),
            (scheduled, "marked as synced, taking effect later (Scheduled)"),
        ):
            if labels:
                count = f"{len(labels)} agreement version{'s' if len(labels) != 1 else ''}"
                self.message_user(
                    request, f"{count} {what}: {', '.join(labels)}.", messages.SUCCESS
                )
        if skipped:
            self.message_user(
                request,
                f"{len(skipped)} skipped: " + "; ".join(skipped) + ".",
                messages.WARNING,
            )

    def _settle(self, request, queryset, outcome: str, reason: str, target, done: str):
        def settle(agreement):
            return staff_settle_agreement(
                agreement=agreement, outcome=outcome, reason=reason, actor=request.user
            )

        synced = outcome == ProvisioningRequest.Status.SYNCED
        self._apply(request, queryset, settle, target, done, scheduled_too=synced)

    @admin.action(description="Mark as synced (confirm)")
    def confirm_selected(self, request, queryset):
        self._settle(
            request,
            queryset,
            ProvisioningRequest.Status.SYNCED,
            "",
            Agreement.Status.ACTIVE,
            "marked as synced (Active)",
        )

    @admin.action(description="Reject…")
    def reject_selected(self, request, queryset):
        reason, page = ask_reason(
            self, request, queryset, action="reject_selected", title="Reject agreement versions"
        )
        if page:
            return page
        self._settle(
            request,
            queryset,
            ProvisioningRequest.Status.REJECTED,
            reason,
            Agreement.Status.REJECTED,
            "rejected",
        )
        return None
