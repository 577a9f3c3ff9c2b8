"""What the vendor console shows and does for every outbox of JSON deliveries (provisioning
requests, webhooks): the last error in short, the payload as delivered, and "send again"."""

import json
from collections.abc import Callable

from django.contrib import admin, messages
from django.utils.html import format_html


def report(modeladmin, request, done: list[str], skipped: list[str], verb: str) -> None:
    if done:
        modeladmin.message_user(
            request, f"{len(done)} {verb}: " + ", ".join(done) + ".", messages.SUCCESS
        )
    if skipped:
        modeladmin.message_user(
            request, f"{len(skipped)} skipped: " + "; ".join(skipped) + ".", messages.WARNING
        )


class DeliverableAdmin(admin.ModelAdmin):
    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:60]

    @admin.display(description="payload (as delivered)")
    def payload_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))

    def redeliver_selected(
        self,
        request,
        queryset,
        *,
        retry: Callable[[object], bool],
        label: Callable[[object], str],
    ) -> None:
        """``retry`` each selected row (False: it was not failed) and say which were."""
        done, skipped = [], []
        for item in queryset:
            if retry(item):
                done.append(label(item))
            else:
                skipped.append(f"{label(item)}: {item.get_status_display()}, not failed")
        report(self, request, done, skipped, "queued for delivery again")
