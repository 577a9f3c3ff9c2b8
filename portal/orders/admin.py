from django.contrib import admin

from .models import InfrastructureChoice, Order


@admin.register(InfrastructureChoice)
class InfrastructureChoiceAdmin(admin.ModelAdmin):
    list_display = ["question", "label", "server_os", "position", "is_active"]
    list_filter = ["question", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["label"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["company", "status", "order_number", "submitted_by", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["company__name", "order_number"]
    list_select_related = ["company", "submitted_by"]
    raw_id_fields = ["company", "agreement"]
    readonly_fields = ["idempotency_key", "submitted_at", "submitted_from_ip"]
