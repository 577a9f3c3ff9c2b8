"""The menu of the seeds. An entry shows only once its page exists and the user may use it."""

from functools import cache

from django.urls import NoReverseMatch, reverse

# (section, [(label, url name, admin only)])
MENU = [
    (
        "Prospects",
        [
            ("Prospect List", "prospects:list", False),
            ("Create Prospect", "prospects:create", False),
            ("Upload Prospects", "prospects:upload", False),
        ],
    ),
    (
        "Customers",
        [
            ("In Progress", "customers:in_progress", False),
            ("Complete", "customers:complete", False),
        ],
    ),
    (
        "Users",
        [("Users", "users:list", True), ("Security Log", "users:security_log", True)],
    ),
    (
        "Integrations",
        [
            ("API Tokens", "profile", False),
            ("API Documentation", "api-docs", False),
            ("Webhooks", "webhooks:list", True),
        ],
    ),
]


@cache
def _available() -> list[tuple[str, list[tuple[str, str, bool]]]]:
    sections = []
    for section, entries in MENU:
        found = []
        for label, name, admin_only in entries:
            try:
                found.append((label, reverse(name), admin_only))
            except NoReverseMatch:
                continue
        if found:
            sections.append((section, found))
    return sections


def menu_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    if not getattr(user, "partner_id", None):
        return []
    sections = []
    for section, entries in _available():
        allowed = [
            (label, url)
            for label, url, admin_only in entries
            if not admin_only or user.is_msp_admin
        ]
        if allowed:
            sections.append((section, allowed))
    return sections
