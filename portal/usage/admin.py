from django.contrib import admin

from .models import UsageReport


@admin.register(UsageReport)
class UsageReportAdmin(admin.ModelAdmin):
    """The usage reports as they arrived (their figures are the customers' usage)."""

    list_display = ["received_at", "report_id", "reported_at", "figures", "source"]
    list_filter = ["source"]
    search_fields = ["=report_id"]
    readonly_fields = [f.name for f in UsageReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # its figures point at it
