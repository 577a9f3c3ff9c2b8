"""Customers | Renewals: every customer whose term ends in a window (the next 30, 60 or 90 days,
or from–to dates), soonest first, with what renews, its value, the changes scheduled, the last
day changes can be made and a countdown. By default the commitments (1 and 3 years:
``Company.commitment_ends_on``); "Include monthly terms" lists each customer's next renewal of
any term (``Company.renews_on``).

The search, the A–Z links, the sorts, the pages and the filters are those of the other lists
(``portal.core.lists``), all kept in the query string. The window is read from the
``(partner, commitment_ends_on, id)`` and ``(partner, renews_on, id)`` indexes; one grouped read
of what the window and the search leave gives the count and the letters; the renewals are
worked out for the page's rows alone (``renewals.upcoming``).
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from portal.companies.list_filters import lead_filters
from portal.companies.models import Company
from portal.companies.selectors import companies_for
from portal.core.lists import (
    Column,
    Filter,
    ListState,
    letters_of,
    paginate,
    rows_by_initial,
    rows_starting_with,
    search_list,
    starting_with,
)

WINDOWS = ("30", "60", "90")  # days ahead the window can be
DEFAULT_WINDOW = "30"
PER_PAGE = 50
LONGEST = 3 * 366  # days a from–to window may span: a 3-year term's end at most

ENDS = "ends"
# What a row needs of its company: the renewal computes the rest (the lines, the prices).
ROW_FIELDS = ["id", "partner_id", "name", "renews_on", "commitment_ends_on"]
NAME = "name"


def columns(monthly: bool) -> list[Column]:
    """The list's columns; the term end sorts on the date the window is read on."""
    day = "renews_on" if monthly else "commitment_ends_on"
    return [
        Column(NAME, "Company Name", "name_key"),
        Column(ENDS, "Term Ends", day),
        Column("", "Renewing", ""),
        Column("", "Value at Renewal", "", numeric=True),
        Column("", "Scheduled Changes", ""),
        Column("", "Last Day for Changes", ""),
    ]


def renewal_filters(user) -> list[Filter]:
    return [
        Filter(
            "within",
            "Terms ending within",
            choices=tuple((days, f"{days} days") for days in WINDOWS),
            invalid="Terms ending within: choose 30, 60 or 90 days.",
        ),
        Filter("from", "Or from", kind="date"),
        Filter("to", "To", kind="date"),
        Filter("monthly", "Include monthly terms", kind="flag"),
        *lead_filters(user),
    ]


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date
    monthly: bool

    @property
    def field(self) -> str:
        return "renews_on" if self.monthly else "commitment_ends_on"

    def describe(self) -> str:
        terms = "Terms" if self.monthly else "Commitments"
        return f"{terms} ending {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def renewal_state(query, user) -> tuple[ListState, Window, list[Filter]]:
    """The query string read and checked: the list's state and the window it chose."""
    filters = renewal_filters(user)
    monthly = query.get("monthly") == "1"
    state = ListState.from_query(query, columns(monthly), ENDS, filters)
    today = timezone.localdate()
    chosen = state.filters
    days = int(chosen.get("within", DEFAULT_WINDOW))
    start = datetime.date.fromisoformat(chosen["from"]) if "from" in chosen else today
    if "to" in chosen:
        end = datetime.date.fromisoformat(chosen["to"])
    else:
        end = start + datetime.timedelta(days=days)
    if "to" in chosen and end < start:
        del chosen["to"]
        state.filter_errors["to"] = "To: the end is before the start."
        end = start + datetime.timedelta(days=days)
    elif (end - start).days > LONGEST:
        del chosen["to"]
        state.filter_errors["to"] = "To: a window can span at most 3 years."
        end = start + datetime.timedelta(days=days)
    return state, Window(start, end, "monthly" in chosen), filters


def in_window(user, state: ListState, window: Window) -> QuerySet:
    """The user's partner's customers whose term ends in the window, as the filters leave them
    (not the search or the letter)."""
    queryset = companies_for(user).filter(
        **{f"{window.field}__gte": window.start, f"{window.field}__lte": window.end}
    )
    if lead := state.filters.get("lead"):
        queryset = queryset.filter(implementation_lead_id=int(lead))
    if state.filters.get("mine"):
        queryset = queryset.filter(implementation_lead_id=user.pk)
    return queryset


def sorted_rows(queryset: QuerySet, state: ListState, window: Window) -> QuerySet:
    queryset = search_list(queryset, state)
    if state.letter:
        queryset = queryset.filter(starting_with(state.letter))
    prefix = "-" if state.descending else ""
    if state.sort == NAME:
        return queryset.order_by(f"{prefix}name_key", f"{prefix}id")
    # Soonest first; the id gives each row one place, so pages never overlap.
    return queryset.order_by(f"{prefix}{window.field}", f"{prefix}id")


def renewal_page(user, query, *, per_page: int = PER_PAGE):
    """(state, window, filters, page, letters) of the Renewals list for ``query``."""
    state, window, filters = renewal_state(query, user)
    matching = search_list(in_window(user, state, window), state)
    # One grouped read gives the count and the letters that lead somewhere.
    by_initial = rows_by_initial(matching)
    page = paginate(
        sorted_rows(in_window(user, state, window), state, window),
        state.page,
        per_page,
        rows=Company.objects.only(*ROW_FIELDS),
        count=rows_starting_with(by_initial, state.letter),
    )
    return state, window, filters, page, letters_of(by_initial)


def renewals_url(**params) -> str:
    """The Renewals list with ``params`` in its query string (the home page links here)."""
    return reverse("customers:renewals") + "?" + urlencode(params)
