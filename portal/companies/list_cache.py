"""A list page's content, kept in each process under its partner's count of changes.

Rendering a page of 50 rows, its letters, filters and pages costs several times the whole
rest of the request; a partner's people open the same first pages again and again between two
changes. ``CompanyTally.changes`` counts, by database triggers in the writer's transaction,
every write to what the list of a partner and status shows (migration 0021), so content kept
under the count read *before* the data is never older than the data committed with that count:
any later change is a new count, hence a new key.

Kept per process (the ``lists`` cache, in memory): a restart, or a new version of the portal,
starts empty, so no process ever serves content rendered by older code. The key also holds
the user (a list can depend on who asks: "My accounts"), their role, the day and the exact
path and query; only content without anything of the request's own (a CSRF token, messages)
may be kept, which is what ``CompanyListView.cache_content`` promises.
"""

import hashlib

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.utils import timezone
from prometheus_client import Counter

from .models import CompanyTally

LOOKUPS = Counter(
    "portal_list_cache_lookups", "List pages asked for, found kept or rendered", ["list", "result"]
)


def enabled() -> bool:
    """False with ``LIST_CACHE_ENTRIES=0``: then a page is not even looked for."""
    return not isinstance(caches["lists"], DummyCache)


def changes_of(partner_id: int, status: str) -> int | None:
    """How many changes the partner's list in ``status`` has had; None before its first
    company, when there is no tally row to count them (nor much of a list to keep)."""
    return (
        CompanyTally.objects.filter(partner_id=partner_id, status=status)
        .values_list("changes", flat=True)
        .first()
    )


def content_key(request, status: str) -> str | None:
    """Where the content of the list page ``request`` asks for is kept, as its data is now;
    None when it is not to be kept."""
    user = request.user
    changes = changes_of(user.partner_id, status)
    if changes is None:
        return None
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return ":".join(
        map(
            str,
            [
                user.partner_id,
                status,
                changes,
                user.pk,
                user.role,
                user.is_implementation_lead,
                timezone.localdate().isoformat(),
                path,
            ],
        )
    )


def kept(name: str, key: str) -> str | None:
    content = caches["lists"].get(key)
    LOOKUPS.labels(name, "miss" if content is None else "hit").inc()
    return content


def keep(key: str, content: str) -> None:
    caches["lists"].set(key, content)
