from django.contrib import admin

from portal.core.admin import ReadOnlyAdmin

from .models import ANSWER_FIELDS, InformationRequest


@admin.register(InformationRequest)
class InformationRequestAdmin(ReadOnlyAdmin):
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
