"""The header search: the user's MSP's prospects and customers by part of the name or by domain.

Built on the lists' search (``search_list``: the lower-case ``name_key``, trigram-indexed on
PostgreSQL) and the ``company_domain`` index: each status is read in name order from its own
``(partner, status, name_key, id)`` index and stops at ``limit + 1`` rows, the whole domain is
one more query on its index, and the four are merged in name order; so a search costs about
the same at 100,000 prospects as at 100 (four queries, whatever it finds). ``company_search``
is also what the list benchmark calls to time it.
"""

import heapq
from dataclasses import dataclass, field

from portal.companies.domains import normalize_domain
from portal.companies.models import Company
from portal.companies.selectors import companies_for
from portal.core.lists import ListState, search_list
from portal.core.text import message, problem

MAX_LENGTH = 100  # as the lists' search box
MAX_SAME_DOMAIN = 20  # companies of one MSP may share a domain (no rule forbids it)
CUSTOMER_STATUSES = (Company.Status.IN_PROGRESS, Company.Status.COMPLETE)


@dataclass
class Found:
    q: str = ""
    error: str = ""
    prospects: list[Company] = field(default_factory=list)
    customers: list[Company] = field(default_factory=list)
    more_prospects: bool = False  # more matched than listed
    more_customers: bool = False

    @property
    def count(self) -> int:
        return len(self.prospects) + len(self.customers)


def search_problem(raw: str) -> str:
    """Why the search cannot run as typed, or "" (a control character, or far too long)."""
    if what := problem(raw):
        return message(what, "The search")
    if len(raw) > MAX_LENGTH:
        return f"The search is {len(raw):,} characters long: search for at most {MAX_LENGTH}."
    return ""


def _by_name(user, status: str, q: str, limit: int) -> list[Company]:
    # The page's ids first, then their rows: the ids come from the (partner, status, name_key,
    # id) index alone, while asking for whole rows walks the table row by row past every name
    # that does not match (87 ms on PostgreSQL for a rare term at 100,000 prospects, 10 ms so).
    matches = search_list(companies_for(user).filter(status=status), ListState(q=q))
    ids = matches.order_by("name_key", "id").values("pk")[: limit + 1]
    return list(Company.objects.filter(pk__in=ids).order_by("name_key", "id"))


def _by_domain(user, q: str) -> list[Company]:
    """The companies whose domain is what was typed (as people paste it: a URL, www.,
    capitals), in one query on the domain index. Apart from the name's query: OR-ed into it,
    PostgreSQL would walk the name index in order past every row looking for the domain."""
    domain = normalize_domain(q)
    if not domain or " " in domain:
        return []
    return list(companies_for(user).filter(domain=domain)[:MAX_SAME_DOMAIN])


def _merged(*groups, limit: int) -> list[Company]:
    """Groups in name order merged into one, without the same company twice."""
    seen, merged = set(), []
    for company in heapq.merge(*groups, key=lambda c: (c.name_key, c.pk)):
        if company.pk not in seen:
            seen.add(company.pk)
            merged.append(company)
    return merged[: limit + 1]


def company_search(user, raw: str, *, limit: int = 50) -> Found:
    """The first ``limit`` prospects and the first ``limit`` customers that match, by name."""
    if error := search_problem(raw):
        return Found(q="", error=error)
    q = " ".join(raw.split())
    if not q:
        return Found()
    domain = sorted(_by_domain(user, q), key=lambda c: (c.name_key, c.pk))
    prospects = _merged(
        _by_name(user, Company.Status.PROSPECT, q, limit),
        [c for c in domain if c.status == Company.Status.PROSPECT],
        limit=limit,
    )
    # In Progress and Complete, each from its own index, merged in name order.
    customers = _merged(
        *(_by_name(user, status, q, limit) for status in CUSTOMER_STATUSES),
        [c for c in domain if c.status != Company.Status.PROSPECT],
        limit=limit,
    )
    return Found(
        q=q,
        prospects=prospects[:limit],
        customers=customers[:limit],
        more_prospects=len(prospects) > limit,
        more_customers=len(customers) > limit,
    )


def suggestions(found: Found, limit: int) -> list[Company]:
    """The header's suggestion list: customers and prospects together, in name order."""
    merged = heapq.merge(
        found.customers, found.prospects, key=lambda company: (company.name_key, company.pk)
    )
    return list(merged)[:limit]
