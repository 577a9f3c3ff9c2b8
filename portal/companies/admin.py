from django.contrib import admin

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
    list_display = ["company", "version", "status", "total_users", "created_at"]
    list_filter = ["status"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    raw_id_fields = ["company", "created_by"]
    inlines = [AgreementLineInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "size", "created_at"]
    raw_id_fields = ["company", "uploaded_by"]
