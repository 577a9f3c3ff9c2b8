"""The vendor console's view of webhooks: every delivery with its state (Send again as an
action) and the endpoints, read-only. An endpoint's secret is the MSP's and is not shown."""

import json

from django.contrib import admin
from django.utils.html import format_html

from portal.sync.admin import report

from .models import WebhookDelivery, WebhookEndpoint
from .services import webhook_retry


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["is_active", "partner"]
    search_fields = ["url"]
    list_select_related = ["partner"]
    fields = ["partner", "url", "events", "is_active", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
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

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:60]

    @admin.display(description="payload (as delivered)")
    def payload_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    @admin.action(description="Send the selected failed deliveries again")
    def retry(self, request, queryset):
        done, skipped = [], []
        for item in queryset.select_related("endpoint"):
            label = f"{item.event} to {item.endpoint.url}"
            if webhook_retry(delivery=item):
                done.append(label)
            else:
                skipped.append(f"{label}: {item.get_status_display()}, not failed")
        report(self, request, done, skipped, "queued for delivery again")
