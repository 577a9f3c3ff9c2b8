"""A partner's companies in one status as a list page.

The Prospect List, Customers | In Progress and Customers | Complete are this one view with their
own columns (``columns.py``) and rows, so they share the search, the A–Z links, the sorts and the
pages of ``portal.core.lists``. Every column sorts from its own ``(partner, status, column, id)``
index (``models.SORTABLE``), and a page is built from the page's rows alone: no query per row.
"""

from collections.abc import Callable
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, QuerySet
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html_join
from django.views.generic import TemplateView

from portal.core.lists import (
    Filter,
    ListState,
    Page,
    filter_list,
    initials_in,
    letters_in,
    letters_of,
    page_links,
    paginate,
    rows_by_initial,
    rows_starting_with,
    search_list,
)
from portal.core.templatetags.money import money
from portal.core.tenancy import PartnerRequiredMixin

from . import list_cache
from .columns import FEES, NAME, PRODUCTS, CompanyColumn
from .list_filters import apply_filters, check_range, list_filters
from .models import Company
from .selectors import companies_for, company_counts_for

PER_PAGE = 50
SEARCH_CAP = 500  # a search lists its first 500 matches; more letters narrow it

# A pk to reverse a URL with and cut it around; no route has these digits of its own.
_SAMPLE_PK = 918273645


def pk_url(name: str) -> Callable[[int], str]:
    """``pk -> URL`` of the URL name, from a single reverse(): fifty reverse() calls cost
    more than the page's queries."""
    sample = reverse(name, args=[_SAMPLE_PK])
    head, _, tail = sample.partition(str(_SAMPLE_PK))
    return lambda pk: f"{head}{pk}{tail}"


def day(value: date | None) -> str:
    return value.isoformat() if value else "—"


def products_shown(codes: str) -> str:
    """ " S1 A1 " (as kept, for the filter) as "S1, A1"."""
    return ", ".join(codes.split()) or "—"


def _cell(column: CompanyColumn) -> tuple[str, Callable]:
    """The HTML of the column's cell, and ``(company, link, badge) -> its values``."""
    if column is NAME:
        return '<td><a href="{}">{}</a>{}</td>', lambda c, link, badge: (link, c.name, badge)
    if column is PRODUCTS:
        return "<td>{}</td>", lambda company, *_: (products_shown(company.fee_products),)
    if column is FEES:
        return '<td class="num">{}</td>', lambda company, *_: (
            money(company.monthly_fees, company.fees_currency),
        )
    try:
        field = Company._meta.get_field(column.attr)
    except FieldDoesNotExist:
        field = None  # a value the list view puts on the page's rows (``rows_html``)
    if isinstance(field, DateTimeField):

        def moment(company, *_):
            changed = timezone.localtime(getattr(company, column.attr))
            return changed.isoformat(), changed.strftime("%Y-%m-%d %H:%M")

        return '<td><time datetime="{}">{}</time></td>', moment
    if isinstance(field, DateField):
        return "<td>{}</td>", lambda company, *_: (day(getattr(company, column.attr)),)
    html = '<td class="num">{}</td>' if column.numeric else "<td>{}</td>"
    return html, lambda company, *_: (getattr(company, column.attr) or "—",)


def list_state(
    query, *, user, status: str, columns: list[CompanyColumn], default_sort: str, filters
) -> ListState:
    """The list's query string read: search, letter, sort, page and ``filters`` (checked)."""
    state = ListState.from_query(query, columns, default_sort, filters)
    if filters:
        check_range(state, status)
    return state


def filtered_companies(user, status: str, state: ListState) -> QuerySet:
    """The user's partner's companies in ``status`` that the state's filters leave: what the
    search, the letters, the count and the export work on."""
    return apply_filters(companies_for(user).filter(status=status), state, user=user, status=status)


def company_page(
    *,
    user,
    status: str,
    query,
    columns: list[CompanyColumn],
    rows: QuerySet | None = None,
    default_sort: str = NAME.key,
    per_page: int = PER_PAGE,
    search_cap: int = SEARCH_CAP,
    filters: list[Filter] = (),
) -> tuple[ListState, Page]:
    """One page of the user's partner's companies in ``status``, searched, narrowed by letter
    and ``filters`` and sorted as ``query`` (the list's query string) says: for the list pages
    and the API."""
    state = list_state(
        query,
        user=user,
        status=status,
        columns=columns,
        default_sort=default_sort,
        filters=filters,
    )
    queryset = filter_list(filtered_companies(user, status, state), state, columns)
    # Unfiltered, the kept tally gives the total without counting 100,000 rows; filtered (and
    # not searched), one grouped read of what the filters leave gives the count and the letters.
    by_initial = None
    if state.q:
        count = None
    elif state.filters:
        by_initial = rows_by_initial(filtered_companies(user, status, state))
        count = rows_starting_with(by_initial, state.letter)
    elif state.letter:
        count = None
    else:
        count = company_counts_for(user)[status]
    page = paginate(
        queryset,
        state.page,
        per_page,
        rows=Company.objects.all() if rows is None else rows,
        cap=search_cap if state.q else None,
        count=count,
        # Filtered, the filters' indexes hold the initial beside the name; the name's own index
        # does not, and reading it from the rows would slow a plain search down.
        initials=bool(state.q and state.filters) and not state.letter,
    )
    if by_initial is not None:
        page.letters = letters_of(by_initial)
    return state, page


def filter_bar(filters: list[Filter], state: ListState) -> list[dict]:
    """Each filter as the filter bar shows it: its field, the value chosen, the message."""
    return [
        {
            "filter": one,
            "id": f"filter-{one.param}",
            "value": state.filters.get(one.param, ""),
            "error": state.filter_errors.get(one.param, ""),
        }
        for one in filters
    ]


class ListPageMixin:
    """A list's template is the content of the page (``companies/company_list.html`` and the
    templates extending it); the page around it (the header, the menu, the messages) is
    ``companies/list_page.html``, so that the content can be kept apart from it."""

    def list_response(self, context: dict, *, status: int = 200, content: str | None = None):
        if content is None:
            content = render_to_string(self.template_name, context, self.request)
        page = {**context, "content": content}
        return TemplateResponse(self.request, "companies/list_page.html", page, status=status)

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.list_response(context, status=400 if context["state"].refused else 200)


class CompanyListView(ListPageMixin, PartnerRequiredMixin, TemplateView):
    """The list of the user's partner's companies in ``status``.

    A subclass names the status, its columns (each sortable, each with an index) and
    ``rows_html``, the table body of one page; ``page_rows`` may add what only the shown rows
    need (an annotation runs for those 50 rows, not for the sort over all of them).
    """

    template_name = "companies/company_list.html"
    status: str
    columns: list[CompanyColumn]
    title: str
    noun: str  # one row, in lower case, for "1–50 of 80 prospects"
    search_label: str
    default_sort = NAME.key
    reports_query_text = True  # a control character in the search: said under the search box
    per_page = PER_PAGE
    search_cap = SEARCH_CAP
    # The content is kept (``list_cache``) when it shows nothing but the partner's companies in
    # ``status``, their orders, its leads and products, the user and the query: never a CSRF
    # token or anything else of the request's own.
    cache_content = False

    def page_rows(self) -> QuerySet:
        """Loads the page's rows by their ids."""
        return Company.objects.all()

    def name_badge(self, company: Company) -> str:
        """Safe HTML after the name (a subclass marks rows with it)."""
        return ""

    def row_end(self, company: Company) -> str:
        """Safe HTML cells after the last column (a row action)."""
        return ""

    def rows_html(self, companies: list[Company]) -> str:
        # Built in Python: the template language spends longer on 50 rows × 6 cells than the
        # database spends finding them.
        detail = pk_url("companies:detail")
        html, values = zip(*map(_cell, self.columns), strict=True)
        # Each cell names its column: on a phone a row is a card of labelled values (portal.css).
        html = [
            cell.replace("<td", f'<td data-label="{escape(column.label)}"', 1)
            for cell, column in zip(html, self.columns, strict=True)
        ]
        row = "<tr>" + "".join(html) + "{}</tr>"

        def cells(company: Company) -> list:
            link, badge = detail(company.pk), self.name_badge(company)
            found = [value for read in values for value in read(company, link, badge)]
            return [*found, self.row_end(company)]

        return format_html_join("\n", row, (cells(company) for company in companies))

    def letters(self, state: ListState, page: Page) -> set[str]:
        if page.letters is not None:
            return page.letters
        companies = filtered_companies(self.request.user, self.status, state)
        if not state.q and not state.filters:
            return letters_of(initials_in(companies))
        return letters_in(
            search_list(companies, state),
            # Without a letter, the page's count is that of the rows the letters choose among
            # (unless a search listed only its first matches).
            count=None if state.letter or page.capped else page.count,
        )

    def get(self, request, *args, **kwargs):
        if not (self.cache_content and list_cache.enabled()):
            return super().get(request, *args, **kwargs)
        key = list_cache.content_key(request, self.status)  # before the data is read
        if key is None:
            return super().get(request, *args, **kwargs)
        content = list_cache.kept(type(self).__name__, key)
        if content is not None:
            return self.list_response({"title": self.title}, content=content)
        context = self.get_context_data(**kwargs)
        if context["state"].refused:
            return self.list_response(context, status=400)
        response = self.list_response(context)
        list_cache.keep(key, response.context_data["content"])
        return response

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters = list_filters(user, self.status)
        state, page = company_page(
            user=self.request.user,
            status=self.status,
            query=self.request.GET,
            columns=self.columns,
            rows=self.page_rows(),
            default_sort=self.default_sort,
            per_page=self.per_page,
            search_cap=self.search_cap,
            filters=filters,
        )
        return super().get_context_data(
            title=self.title,
            noun=self.noun,
            search_label=self.search_label,
            state=state,
            page=page,
            rows=self.rows_html(page.object_list),
            # Only letters that lead to some row of what the search leaves are links.
            letters=state.letter_links(self.letters(state, page)),
            headers=state.header_links(self.columns),
            pages=page_links(state, page),
            clear_url=state.url(q=None, letter=None, page=None),
            filter_bar=filter_bar(filters, state),
            clear_filters_url=state.url(**dict.fromkeys(state.filters), page=None),
            **kwargs,
        )
