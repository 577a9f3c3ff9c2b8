"""List pages: search, A–Z, filters, sort by any column and pages, all kept in the query string.

Pages are read with a deferred join: the page's ids come from an index alone, then only those
rows are loaded. A page deep in the list therefore costs about what the first one does, and a
page is always the same few queries, whatever its size or the size of the list.
"""

import datetime
import math
import string
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connections
from django.db.models import Count, Q, QuerySet

from .text import first_problem, message, query_refusals

LETTERS = [*string.ascii_uppercase, "#"]
DIGITS = list("0123456789")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order_by: str  # model field the column sorts on
    numeric: bool = False


@dataclass(frozen=True)
class Filter:
    """One filter of a list: its query parameter, its label, and what it takes: one of
    ``choices`` (value, label), a date (YYYY-MM-DD), or "1" for a box to tick."""

    param: str
    label: str
    kind: str = "choice"  # "choice", "date" or "flag"
    choices: tuple[tuple[str, str], ...] = ()
    invalid: str = ""  # said next to the filter when its value is none of the choices

    def parse(self, value: str) -> tuple[str, str]:
        """(the value kept, "") or ("", why it is refused)."""
        if self.kind == "date":
            try:
                return datetime.date.fromisoformat(value).isoformat(), ""
            except ValueError:
                return "", f"{self.label}: “{value[:20]}” is not a date; write it as YYYY-MM-DD."
        if self.kind == "flag":
            return ("1", "") if value == "1" else ("", f"{self.label}: tick the box or leave it.")
        if value in {choice for choice, _ in self.choices}:
            return value, ""
        return "", self.invalid or f"{self.label}: choose one from the list."


@dataclass
class ListState:
    q: str = ""
    letter: str = ""
    sort: str = ""
    descending: bool = False
    page: int = 1
    error: str = ""  # shown under the search box: a parameter held a control character
    filters: dict[str, str] = field(default_factory=dict)  # param -> value, each one valid
    filter_errors: dict[str, str] = field(default_factory=dict)  # param -> said next to it

    @classmethod
    def from_query(
        cls, query, columns: list[Column], default_sort: str, filters: list[Filter] = ()
    ) -> "ListState":
        error = ""
        filter_errors = {}
        if refused := query_refusals(query):
            # Listed as if the refused parameters were not given; the search box says why, or
            # the filter that held the character.
            params = {f.param for f in filters}
            filter_errors = {name: text for name, text in refused.items() if name in params}
            if "q" in refused:
                error = message(first_problem(query.getlist("q")), "The search")
            others = [text for name, text in refused.items() if name not in params]
            error = error or next(iter(others), "")
            query = {name: value for name, value in query.items() if name not in refused}
        chosen = {}
        for one in filters:
            value = query.get(one.param, "").strip()
            if value and one.param not in filter_errors:
                chosen[one.param], why = one.parse(value)
                if why:
                    del chosen[one.param]
                    filter_errors[one.param] = why
        keys = {column.key for column in columns if column.key}
        sort = query.get("sort", "")
        descending = sort.startswith("-")
        sort = sort.removeprefix("-")
        if sort not in keys:
            sort, descending = default_sort, False
        letter = query.get("letter", "").upper()
        try:
            page = max(1, int(query.get("page", 1)))
        except ValueError:
            page = 1
        return cls(
            q=" ".join(query.get("q", "").split())[:100],
            letter=letter if letter in LETTERS else "",
            sort=sort,
            descending=descending,
            page=page,
            error=error,
            filters=chosen,
            filter_errors=filter_errors,
        )

    @property
    def narrowed(self) -> bool:
        """Whether the search, a letter or a filter leaves out some rows."""
        return bool(self.q or self.letter or self.filters)

    @property
    def refused(self) -> bool:
        return bool(self.error or self.filter_errors)

    def sort_param(self, key: str) -> str:
        """The sort a column header links to: A→Z first, Z→A on the second click."""
        return f"-{key}" if key == self.sort and not self.descending else key

    def url(self, **changes) -> str:
        """This list's query string with ``changes`` applied (None drops a parameter).

        Built here rather than with a template tag per link: a list page has forty of them.
        """
        params = {
            "q": self.q,
            "letter": self.letter,
            **self.filters,
            "sort": f"-{self.sort}" if self.descending else self.sort,
            "page": self.page if self.page > 1 else None,
        }
        params.update(changes)
        return "?" + urlencode({key: value for key, value in params.items() if value})

    def letter_links(self, found: set[str]) -> list[tuple[str, str, bool]]:
        """(label, url, current) for All, A–Z and #; a new letter starts again at page 1.

        A letter not in ``found`` (no entry of the list starts with it) has no url: it would
        lead to an empty page. The current letter keeps its link, whatever it holds.
        """
        links = [("All", self.url(letter=None, page=None), not self.letter)]
        links += [
            (
                letter,
                self.url(letter=letter, page=None)
                if letter in found or letter == self.letter
                else "",
                letter == self.letter,
            )
            for letter in LETTERS
        ]
        return links

    def header_links(self, columns: list[Column]) -> list[tuple[Column, str, str]]:
        """(column, url, "ascending"/"descending"/"") for each column header; a column without
        a key is not sorted, and its header has no url."""
        return [
            (
                column,
                self.url(sort=self.sort_param(column.key), page=None) if column.key else "",
                ("descending" if self.descending else "ascending")
                if column.key == self.sort
                else "",
            )
            for column in columns
        ]


def search_list(queryset: QuerySet, state: ListState) -> QuerySet:
    """The rows the search leaves, whatever the letter: what the A–Z links choose among."""
    if state.q:
        # name_key is the lower-case name: indexed (trigram on PostgreSQL), unlike UPPER(name).
        queryset = queryset.filter(name_key__contains=state.q.lower())
    return queryset


def starting_with(letter: str) -> Q:
    return Q(name_initial__in=DIGITS) if letter == "#" else Q(name_initial=letter)


FEW = 2000  # rows few enough to read their initials rather than probe every letter


def letters_in(queryset: QuerySet, *, count: int | None = None) -> set[str]:
    """The letters (and #) that some row of ``queryset`` starts with, in one query.

    One EXISTS per letter, each stopping at the first row it finds in the (partner, status,
    name_initial, …) index: 27 short index reads, where a DISTINCT over the initials would read
    every row of the list (or every match of a common search: 20 ms at 100,000 prospects for
    "north" on PostgreSQL, against 2 ms for the probes; a rare search's probes use the trigram
    index instead).

    The 26 letters' probes are one compiled subquery with the letter as its last parameter (the
    filter added last): compiling 27 ORM subqueries took longer than running them.

    ``count``, when the caller knows how many rows ``queryset`` holds: at most ``FEW`` (a
    narrow filter), their initials are read in one pass instead, since a probe for a letter none
    of them starts with would read every row of that letter in the list to find nothing.
    """
    if count is not None and count <= FEW:
        return letters_of(queryset.order_by().values_list("name_initial", flat=True).distinct())
    letter_sql, letter_params = _first_row_sql(queryset, "A")
    if not letter_params or letter_params[-1] != "A":
        # Django placed the letter elsewhere: substituting it would probe the wrong letters.
        raise RuntimeError("The letter is not the last parameter of the compiled probe.")
    digits_sql, digits_params = _first_row_sql(queryset, "#")
    letters = string.ascii_uppercase
    sql = "SELECT " + ", ".join(
        [f"EXISTS({letter_sql})"] * len(letters) + [f"EXISTS({digits_sql})"]
    )
    params = [value for letter in letters for value in (*letter_params[:-1], letter)]
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*params, *digits_params])
        row = cursor.fetchone()
    return {letter for letter, found in zip(LETTERS, row, strict=True) if found}


# Stands for the initial found last while the next one's query is compiled; replaced by it.
_AFTER = "\x00after"


def initials_in(queryset: QuerySet) -> list[str]:
    """The name initials that rows of ``queryset`` start with, by a skip scan of its
    (…, name_initial, …) index: a recursive query that jumps from each initial found to the
    next, one short index read per initial, planned once (the 27 probes of ``letters_in`` cost
    more to plan than to run). For a list narrowed only by the index's leading columns
    (partner, status): a search would make each jump read every row it skips.
    """
    first = queryset.order_by("name_initial").values("name_initial")[:1]
    after = queryset.filter(name_initial__gt=_AFTER).order_by("name_initial")
    first_sql, first_params = first.query.sql_with_params()
    next_sql, next_params = after.values("name_initial")[:1].query.sql_with_params()
    head, placeholder, tail = next_sql.rpartition("%s")
    if not placeholder or next_params[-1] != _AFTER:
        # Django placed the parameter elsewhere: the jump would compare the wrong value.
        raise RuntimeError("The initial is not the last parameter of the compiled jump.")
    sql = (
        f"WITH RECURSIVE found (initial) AS (SELECT ({first_sql}) "
        f"UNION ALL SELECT ({head}found.initial{tail}) FROM found "
        "WHERE found.initial IS NOT NULL) SELECT initial FROM found WHERE initial IS NOT NULL"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, [*first_params, *next_params[:-1]])
        return [initial for (initial,) in cursor.fetchall()]


def letters_of(initials) -> set[str]:
    """The A–Z links (and #) that rows with these name initials lead to."""
    initials = set(initials)
    return {letter for letter in LETTERS[:-1] if letter in initials} | (
        {"#"} if initials & set(DIGITS) else set()
    )


def rows_by_initial(queryset: QuerySet) -> dict[str, int]:
    """How many rows start with each name initial, in one pass over ``queryset``.

    For a filtered list this one query gives both the page's count and the letters that lead
    somewhere: counting and probing would each read every row the filter leaves (the filters'
    indexes hold the initial, so this is read from the index alone).
    """
    return dict(
        queryset.order_by().values_list("name_initial").annotate(rows=Count("*")).order_by()
    )


def rows_starting_with(by_initial: dict[str, int], letter: str) -> int:
    """How many of the rows counted by ``rows_by_initial`` the letter (or none) chooses."""
    if not letter:
        return sum(by_initial.values())
    return sum(
        rows
        for initial, rows in by_initial.items()
        if (initial in DIGITS if letter == "#" else initial == letter)
    )


def _first_row_sql(queryset: QuerySet, letter: str) -> tuple[str, tuple]:
    first = queryset.filter(starting_with(letter)).order_by().values("pk")[:1]
    return first.query.sql_with_params()


def filter_list(queryset: QuerySet, state: ListState, columns: list[Column]) -> QuerySet:
    queryset = search_list(queryset, state)
    if state.letter:
        queryset = queryset.filter(starting_with(state.letter))
    column = next(c for c in columns if c.key and c.key == state.sort)
    prefix = "-" if state.descending else ""
    # id breaks ties, so that every row has one place and pages never overlap.
    return queryset.order_by(f"{prefix}{column.order_by}", f"{prefix}id")


@dataclass
class Page:
    number: int
    per_page: int
    count: int
    object_list: list = field(default_factory=list)
    capped: bool = False  # more matched than were listed
    letters: set[str] | None = None  # the A–Z links, when the count's query found them too

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return 0 if not self.count else (self.number - 1) * self.per_page + 1

    @property
    def end_index(self) -> int:
        return min(self.number * self.per_page, self.count)


def paginate(
    queryset: QuerySet,
    page_number: int,
    per_page: int,
    rows: QuerySet,
    *,
    cap: int | None = None,
    count: int | None = None,
    initials: bool = False,
) -> Page:
    """One page of ``queryset``; ``rows`` loads the chosen ids with whatever joins it needs.

    ``count``, when the caller knows it (a kept tally), saves counting the rows.

    ``initials``, with ``cap`` on a list of companies searched without a letter: the matches'
    name initials are read with their ids, and when they were all read, ``page.letters`` are
    the A–Z links they lead to.

    With ``cap``, only the first ``cap`` matches are listed, and they are found in one query:
    a search that matches few rows would otherwise be read twice, once to count and once for
    the page (a search on part of a name cannot be answered from the sort index alone).
    """
    if cap:
        found = list(queryset.values_list("id", "name_initial" if initials else "id")[: cap + 1])
        first = [pk for pk, _ in found]
        page = Page(number=1, per_page=per_page, count=min(len(first), cap))
        page.capped = len(first) > cap
        if initials and not page.capped:
            # Every match was read: their initials are the letters, without probing again.
            page.letters = letters_of(initial for _, initial in found)
        first = first[:cap]
        page.number = min(page_number, page.num_pages)
        offset = (page.number - 1) * per_page
        ids = first[offset : offset + per_page]
    else:
        page = Page(number=1, per_page=per_page, count=queryset.count() if count is None else count)
        page.number = min(page_number, page.num_pages)
        offset = (page.number - 1) * per_page
        ids = _page_ids(queryset, offset, per_page, page.count)
    by_id = rows.in_bulk(ids) if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


def _page_ids(queryset: QuerySet, offset: int, per_page: int, count: int) -> list[int]:
    """The ids of one page. Past the middle, read from the other end and turn the page round:
    the database then skips at most half the list instead of nearly all of it."""
    ids = queryset.values_list("id", flat=True)
    if offset <= count // 2:
        return list(ids[offset : offset + per_page])
    size = max(0, min(per_page, count - offset))
    from_end = count - offset - size
    return list(ids.reverse()[from_end : from_end + size])[::-1]


def page_links(state: ListState, page: Page) -> list[tuple[str, str, str]]:
    """(label, url, rel) for First, Previous, Next and Last, as far as they lead anywhere."""
    links = []
    if page.has_previous:
        links += [
            ("First", state.url(page=None), ""),
            ("Previous", state.url(page=page.previous_page_number), "prev"),
        ]
    if page.has_next:
        links += [
            ("Next", state.url(page=page.next_page_number), "next"),
            ("Last", state.url(page=page.num_pages), ""),
        ]
    return links
