from django.contrib import admin, messages

from portal.sync.admin import ask_reason
from portal.sync.callbacks import staff_settle_agreement
from portal.sync.models import ProvisioningRequest

from .models import Agreement, AgreementLine, Attachment, Company


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "status", "domain", "permitted_users", "updated_at"]
    list_filter = ["status", "partner"]
    search_fields = ["name", "domain"]
    list_select_related = ["partner"]
    raw_id_fields = ["implementation_lead", "secondary_contact"]


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
    ]
    can_delete = False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["company", "version", "status", "total_users", "created_at", "activated_at"]
    list_filter = ["status", "created_at", "company__partner"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by"]
    inlines = [AgreementLineInline]
    actions = ["confirm_selected", "reject_selected"]

    def _apply(self, request, queryset, service, target: str, done: str) -> None:
        """Run ``service`` on each selected version (each in its own transaction: one that
        cannot change does not undo the others) and say what changed and what was skipped."""
        changed, skipped = [], []
        for agreement in queryset.select_related("company").order_by("company__name", "version"):
            label = f"{agreement.company} v{agreement.version}"
            if agreement.status not in Agreement.PENDING:
                skipped.append(f"{label} (not pending: {agreement.get_status_display()})")
                continue
            result = service(agreement)
            if result.status != target:
                # Someone else (a callback, a cancel) closed it between the list and now.
                skipped.append(f"{label} (meanwhile {result.get_status_display()})")
            else:
                changed.append(label)
        if changed:
            self.message_user(
                request,
                f"{len(changed)} agreement version{'s' if len(changed) != 1 else ''} {done}: "
                + ", ".join(changed)
                + ".",
                messages.SUCCESS,
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

        self._apply(request, queryset, settle, target, done)

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


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "size", "created_at"]
    raw_id_fields = ["company", "uploaded_by"]
