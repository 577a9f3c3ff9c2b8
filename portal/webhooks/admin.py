"""The vendor console's view of webhooks: every delivery with its state (Send again as an
action) and the endpoints, read-only. An endpoint's secret is the MSP's and is not shown."""

from django.contrib import admin

from portal.core.admin import ReadOnlyAdmin
from portal.core.outbox.admin import DeliverableAdmin

from .models import WebhookDelivery, WebhookEndpoint
from .services import webhook_retry


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["is_active", "partner"]
    search_fields = ["url"]
    list_select_related = ["partner"]
    fields = ["partner", "url", "events", "is_active", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DeliverableAdmin):
    list_display = [
        "created_at",
        "partner",
        "endpoint",
        "event",
        "status",
        "attempts",
        "response_code",
        "short_error",
    ]
    list_filter = ["status", "event", "endpoint__partner"]
    search_fields = ["endpoint__url", "key"]
    list_select_related = ["endpoint__partner"]
    date_hierarchy = "created_at"
    fields = [
        "key",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "response_code",
        "delivered_at",
        "created_at",
        "payload_json",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="partner", ordering="endpoint__partner__name")
    def partner(self, obj):
        return obj.endpoint.partner

    @admin.action(description="Send the selected failed deliveries again")
    def retry(self, request, queryset):
        self.redeliver_selected(
            request,
            queryset.select_related("endpoint"),
            retry=lambda item: webhook_retry(delivery=item),
            label=lambda item: f"{item.event} to {item.endpoint.url}",
        )
