"""Customers | Renewals as a page and as CSV or XLSX (the query in ``renewals.py``)."""

import tempfile
from html import escape as e

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from portal.companies.list_views import ListPageMixin, filter_bar, pk_url
from portal.core.lists import page_links
from portal.core.sheets import CSV, XLSX, csv_lines, write_table
from portal.core.templatetags.money import money
from portal.core.tenancy import PartnerRequiredMixin
from portal.renewals.upcoming import PriceTables, Renewal, renewals_for

from .renewals import (
    ROW_FIELDS,
    columns,
    in_window,
    renewal_page,
    renewal_state,
    sorted_rows,
)

EXPORTS = (("Export CSV", "customers:renewals_csv"), ("Export XLSX", "customers:renewals_xlsx"))
CHUNK = 500  # customers whose renewals are worked out at a time in an export


def seats_text(renewal: Renewal) -> list[tuple[str, str, str]]:
    """(product, seats, auto-renew) of each line due, in words."""
    found = []
    for line in renewal.lines:
        if line.ends:
            seats = f"{line.seats:,} → ends"
            why = "removed" if line.removed else "auto-renew off"
        else:
            seats = f"{line.seats:,}"
            if line.seats_after != line.seats:
                seats = f"{line.seats:,} → {line.seats_after:,}"
            why = "auto-renew on"
        found.append((line.code, seats, why))
    return found


def changes_text(renewal: Renewal) -> list[str]:
    return [f"{change.code}: {change.describe()}" for change in renewal.changes]


# The cells are written with the standard library's html.escape around every value taken from
# the data: format_html's lazy wrappers cost a third of the page's time for 50 rows.


def _renewing_cell(renewal: Renewal) -> str:
    items = "".join(
        f'<li><span class="code">{e(code)}</span> × {e(seats)} <span class="muted">({e(why)})'
        "</span></li>"
        for code, seats, why in seats_text(renewal)
    )
    note = ""
    if renewal.ends_everything:
        note = '<p class="help">Nothing renews: becomes a former customer.</p>'
    return f'<ul class="plain">{items}</ul>{note}'


def _value_cell(renewal: Renewal) -> str:
    if renewal.value is None:
        return f'<span class="error">{e(renewal.problem)}</span>'
    value = e(money(renewal.value, renewal.currency))
    difference = renewal.difference
    if difference is None:
        return value
    more = "more" if difference > 0 else "less"
    by = e(money(abs(difference), renewal.currency))
    return f'{value}<br><span class="muted">{by} {more} than at today’s prices</span>'


def _changes_cell(renewal: Renewal) -> str:
    texts = changes_text(renewal)
    if not texts:
        return "—"
    return '<ul class="plain">' + "".join(f"<li>{e(text)}</li>" for text in texts) + "</ul>"


def _deadline_cell(renewal: Renewal) -> str:
    if renewal.last_day is None:
        return "—"
    when = renewal.deadline_countdown if renewal.open else "closed"
    day = renewal.last_day.isoformat()
    return f'<time datetime="{day}">{day}</time><br><span class="muted">{e(when)}</span>'


def rows_html(renewals: list[Renewal], labels: list[str]) -> str:
    """The table body: built in Python, as the other lists' are (50 rows of nested lists cost
    the template language more than the page's queries)."""
    detail = pk_url("companies:detail")
    heads = [f'<td data-label="{e(label)}"' for label in labels]
    classes = ["", ' class="nowrap"', "", ' class="num"', "", ' class="nowrap"']
    rows = []
    for renewal in renewals:
        company = renewal.company
        day = renewal.renews_on.isoformat()
        cells = [
            f'<a href="{e(detail(company.pk))}#renewal">{e(company.name)}</a>',
            f'<time datetime="{day}">{day}</time><br>'
            f'<strong class="countdown">{e(renewal.countdown)}</strong>',
            _renewing_cell(renewal),
            _value_cell(renewal),
            _changes_cell(renewal),
            _deadline_cell(renewal),
        ]
        rows.append(
            "<tr>"
            + "".join(
                f"{head}{css}>{cell}</td>"
                for head, css, cell in zip(heads, classes, cells, strict=True)
            )
            + "</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 every value from the data is escaped above


class RenewalListView(ListPageMixin, PartnerRequiredMixin, TemplateView):
    template_name = "customers/renewal_list.html"
    reports_query_text = True  # a control character in the search: said under the search box

    def get_context_data(self, **kwargs):
        user = self.request.user
        state, window, filters, page, letters = renewal_page(user, self.request.GET)
        today = timezone.localdate()
        renewals = renewals_for(
            page.object_list, monthly=window.monthly, today=today, partner=user.partner
        )
        shown = columns(window.monthly)
        query = self.request.GET.urlencode()
        return super().get_context_data(
            title="Customers | Renewals",
            noun="customer",
            search_label="Search Customers",
            state=state,
            window=window,
            page=page,
            rows=rows_html(renewals, [column.label for column in shown]),
            letters=state.letter_links(letters),
            headers=state.header_links(shown),
            pages=page_links(state, page),
            clear_url=state.url(q=None, letter=None, page=None),
            filter_bar=filter_bar(filters, state),
            clear_filters_url=state.url(**dict.fromkeys(state.filters), page=None),
            exports=[
                (label, reverse(name) + (f"?{query}" if query else "")) for label, name in EXPORTS
            ],
            **kwargs,
        )


# The export: every row of the list as it is searched, filtered and sorted

HEADERS = [
    "ID",
    "Company Name",
    "Term Ends",
    "Countdown",
    "Renewing",
    "Seats at Renewal",
    "Value at Renewal",
    "Value at Today's Prices",
    "Currency",
    "Auto-renew Off",
    "Scheduled Changes",
    "Last Day for Changes",
    "Problem",
]


def export_rows(companies, *, monthly: bool, today, partner=None):
    """The export's rows, ``CHUNK`` customers at a time: two queries per chunk (their lines and
    their scheduled changes) and the price tables once, whatever the count."""
    tables = PriceTables()
    chunk = []
    for company in companies.only(*ROW_FIELDS).iterator(chunk_size=CHUNK):
        chunk.append(company)
        if len(chunk) == CHUNK:
            yield from _export_chunk(chunk, monthly, today, tables, partner)
            chunk = []
    yield from _export_chunk(chunk, monthly, today, tables, partner)


def _export_chunk(companies, monthly, today, tables, partner):
    for renewal in renewals_for(
        companies, monthly=monthly, today=today, tables=tables, partner=partner
    ):
        lines = seats_text(renewal)
        yield [
            renewal.company.pk,
            renewal.company.name,
            renewal.renews_on,
            renewal.countdown,
            "; ".join(f"{code} × {seats}" for code, seats, _ in lines) or None,
            renewal.seats,
            renewal.value,
            renewal.value_today,
            renewal.currency,
            ", ".join(line.code for line in renewal.lines if line.ends and not line.removed)
            or None,
            "; ".join(changes_text(renewal)) or None,
            renewal.last_day,
            renewal.problem or None,
        ]


class RenewalExportView(PartnerRequiredMixin, View):
    kind: str  # "csv" or "xlsx"

    def get(self, request):
        user = request.user
        # A refused parameter is left out, as on the page: the export is what the page lists.
        state, window, _ = renewal_state(request.GET, user)
        companies = sorted_rows(in_window(user, state, window), state, window)
        rows = export_rows(
            companies, monthly=window.monthly, today=timezone.localdate(), partner=user.partner
        )
        partner = slugify(user.partner.name) or "msp"
        filename = (
            f"{partner}-renewals-{window.start.isoformat()}-{window.end.isoformat()}.{self.kind}"
        )
        if self.kind == "csv":
            response = StreamingHttpResponse(csv_lines(HEADERS, rows), content_type=CSV)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        # An XLSX is a zip, finished only at the end: written to a temporary file, then sent.
        target = tempfile.TemporaryFile()
        write_table(target, "Renewals", HEADERS, rows)
        target.seek(0)
        return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)


class RenewalCsvView(RenewalExportView):
    kind = "csv"


class RenewalXlsxView(RenewalExportView):
    kind = "xlsx"
