from django.contrib import admin

from .models import Attachment, Company

# The console's Agreements page is in sync/admin.py: its actions are the vendor's confirm/reject.


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "status", "domain", "permitted_users", "updated_at"]
    list_filter = ["status", "partner"]
    search_fields = ["name", "domain"]
    list_select_related = ["partner"]
    raw_id_fields = ["implementation_lead", "secondary_contact"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "size", "created_at"]
    raw_id_fields = ["company", "uploaded_by"]
