from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.core.admin import ReadOnlyAdmin

from .models import SecurityEvent, User

# The console's MSP (Partner) page is in catalog/admin.py: it edits the MSP's contracted prices.
from .services import revoke_tokens


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "partner",
        "role",
        "is_implementation_lead",
        "is_active",
        "is_staff",
    ]
    list_filter = ["partner", "role", "is_implementation_lead", "is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    list_select_related = ["partner"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "partner", "role", "is_implementation_lead"]}),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    # What happened, not settings: and the split date-time inputs have no label of their own.
    readonly_fields = ["last_login", "date_joined"]
    # Plain multiple selects: the two-box widget's script puts aria-label on a bare <span>.
    filter_horizontal = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            # Switched off or on here rather than on the Users page: the same end for tokens.
            revoke_tokens(obj)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "partner",
                    "role",
                    "is_implementation_lead",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """Every MSP's security log, for vendor staff: read only."""

    list_display = ["created_at", "kind", "partner", "user", "email", "actor", "ip", "detail"]
    list_filter = ["kind", "partner"]
    search_fields = ["email", "ip", "user__email"]
    date_hierarchy = "created_at"
    list_select_related = ["partner", "user", "actor"]
