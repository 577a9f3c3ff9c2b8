from django.contrib import admin

from .models import ANSWER_FIELDS, InformationRequest


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    """View only: answers change through the form alone, which writes the history log."""

    list_display = ["company", "status", "sent_to", "sent_at", "times_sent", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["company__name", "sent_to", "contact_email"]
    list_select_related = ["company"]
    fields = [
        "company",
        "status",
        "sent_to",
        "sent_at",
        "sent_by",
        "times_sent",
        "submitted_at",
        "changed_at",
        *ANSWER_FIELDS,
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
