from django.contrib import admin, messages
from django.template.defaultfilters import pluralize

from .models import HistoryEntry, OutgoingAttachment, OutgoingMessage
from .tasks import EMAIL


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the console shows and never lets anyone add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "partner", "actor", "object_repr", "action", "summary"]
    list_filter = ["action", "partner"]
    search_fields = ["object_repr", "summary"]
    list_select_related = ["partner", "actor"]

    def get_queryset(self, request):
        # An MSP's selling prices and margins are its own, never the vendor's to read.
        return super().get_queryset(request).filter(msp_only=False)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OutgoingAttachmentInline(admin.TabularInline):
    model = OutgoingAttachment
    fields = ["filename", "mimetype"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "subject",
        "recipients",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["status", "template"]
    search_fields = ["subject", "to"]
    readonly_fields = [
        "partner",
        "template",
        "to",
        "subject",
        "text_body",
        "html_body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    inlines = [OutgoingAttachmentInline]
    actions = ["retry"]

    @admin.display(description="to")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed messages again")
    def retry(self, request, queryset):
        failed = queryset.filter(status=OutgoingMessage.Status.FAILED)
        for message in failed:
            EMAIL.retry(message)
        queued = f"{len(failed)} message{pluralize(len(failed))} queued again."
        self.message_user(request, queued, messages.SUCCESS)
