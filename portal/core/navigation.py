"""The menu of the seeds. An entry shows only to a user who may use it.

Every entry must name a URL that exists: ``menu_check``, a system check, fails on one that does
not (``manage.py check``, and so ``make test``, stop on it), rather than the entry quietly
missing from the menu.
"""

from functools import cache

from django.core import checks
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
            ("Renewals", "customers:renewals", False),
            ("Reconciliation", "customers:reconciliation", False),
            ("Former customers", "customers:former", False),
        ],
    ),
    ("Dashboard", [("Dashboard", "dashboards:dashboard", False)]),
    (
        "Prices",
        [("Price Book", "pricebook:book", False), ("Quote Branding", "quotes:branding", True)],
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


@checks.register(checks.Tags.urls)
def menu_check(app_configs=None, **kwargs) -> list[checks.Error]:
    """An error for each menu entry whose URL name does not reverse (mistyped, or removed)."""
    errors = []
    for section, entries in MENU:
        for label, name, _admin_only in entries:
            try:
                reverse(name)
            except NoReverseMatch:
                errors.append(
                    checks.Error(
                        f"The menu entry {section} | {label} names the URL {name!r}, which "
                        "does not exist.",
                        hint="Correct the URL name in portal/core/navigation.py MENU.",
                        obj=name,
                        id="core.E001",
                    )
                )
    return errors


@cache
def _available() -> list[tuple[str, list[tuple[str, str, bool]]]]:
    sections = []
    for section, entries in MENU:
        found = []
        for label, name, admin_only in entries:
            try:
                found.append((label, reverse(name), admin_only))
            except NoReverseMatch:
                continue  # menu_check has failed on it already: the pages still render
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
