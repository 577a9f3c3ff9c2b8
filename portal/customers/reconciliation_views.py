"""Customers | Reconciliation as a page, as CSV or XLSX, and its two fixes: True up (Change
Options with the seats filled in) and Bill these seats (the lines for the PSA)."""

import tempfile
from decimal import Decimal
from html import escape as e
from urllib.parse import urlencode

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from portal.companies.list_views import ListPageMixin, filter_bar, pk_url
from portal.core.history import history_entry, history_record
from portal.core.lists import page_links
from portal.core.models import HistoryEntry
from portal.core.sheets import CSV, XLSX, csv_lines, write_table
from portal.core.templatetags.money import money
from portal.core.tenancy import PartnerRequiredMixin
from portal.usage.models import Reconciliation
from portal.usage.reconciliation import refresh_due

from .reconciliation import (
    COLUMNS,
    header_links,
    matching,
    reconciliation_page,
    reconciliation_state,
    reduce_from,
    sorted_rows,
)

CENT = Decimal("0.01")
EXPORTS = (
    ("Export CSV", "customers:reconciliation_csv"),
    ("Export XLSX", "customers:reconciliation_xlsx"),
)


def difference_text(row: Reconciliation, reduce: tuple | None = None) -> list[str]:
    """What each difference of a row means, in words."""
    said = []
    if row.above:
        said.append(f"{row.above:,} used above licensed: true-up due")
    if row.below:
        when = ""
        if reduce:
            day, why = reduce
            when = f" from {day:%Y-%m-%d} ({why})" if day else f" ({why})"
        said.append(f"{row.below:,} licensed unused: reduce{when}")
    if row.unbilled:
        said.append(f"{row.unbilled:,} used not billed")
    return said


def _used_cell(row: Reconciliation) -> str:
    if row.used is None:
        return '<span class="muted">no report yet</span>'
    day = row.used_on.isoformat()
    return f'{row.used:,}<br><span class="muted">on <time datetime="{day}">{day}</time></span>'


def _billed_cell(row: Reconciliation, detail: str) -> str:
    if row.billed is None:
        return f'<a href="{e(detail)}#usage">not entered</a>'
    return f"{row.billed:,}"


def _stake_cell(row: Reconciliation) -> str:
    if not row.at_stake:
        return "—"
    amount = e(money(cents(row.at_stake), row.currency))
    note = "" if row.own_price or not row.unbilled else '<br><span class="muted">at cost</span>'
    return f"<strong>{amount}</strong>{note}"


def cents(value) -> Decimal:
    """A money amount to the cent, as the list shows it."""
    return Decimal(value).quantize(CENT)


def rows_html(rows: list[Reconciliation], reduce: dict, token: str) -> str:
    """The table body, built in Python as the other lists' are."""
    detail = pk_url("companies:detail")
    true_up = reverse("customers:true_up")
    labels = [column.label for column in COLUMNS] + ["Fix"]
    heads = [f'<td data-label="{e(label)}"' for label in labels]
    classes = ["", "", ' class="num"', ' class="num"', ' class="num"', "", ' class="num"', ""]
    html = []
    for row in rows:
        company = row.company
        link = detail(company.pk)
        said = difference_text(row, reduce.get(row.pk))
        fix = ""
        if row.used is not None and (row.above or row.below):
            fix = (
                f'<form method="post" action="{e(true_up)}" class="inline">'
                f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(token)}">'
                f'<input type="hidden" name="row" value="{row.pk}">'
                f'<button type="submit" class="small">True up to {row.used:,}'
                f'<span class="visually-hidden"> seats of {e(row.code)} for '
                f"{e(company.name)}</span></button></form>"
            )
        cells = [
            f'<a href="{e(link)}">{e(company.name)}</a>',
            f'<span class="code">{e(row.code)}</span>',
            f"{row.licensed:,}",
            _used_cell(row),
            _billed_cell(row, link),
            '<ul class="plain">' + "".join(f"<li>{e(text)}</li>" for text in said) + "</ul>"
            if said
            else '<span class="muted">in step</span>',
            _stake_cell(row),
            fix or "—",
        ]
        html.append(
            "<tr>"
            + "".join(
                f"{head}{css}>{cell}</td>"
                for head, css, cell in zip(heads, classes, cells, strict=True)
            )
            + "</tr>"
        )
    return mark_safe("\n".join(html))  # noqa: S308 every value from the data is escaped above


class ReconciliationListView(ListPageMixin, PartnerRequiredMixin, TemplateView):
    template_name = "customers/reconciliation_list.html"
    reports_query_text = True

    def get_context_data(self, **kwargs):
        user = self.request.user
        state, filters, page, totals = reconciliation_page(user, self.request.GET)
        rows = page.object_list
        reduce = reduce_from(rows, user.partner, timezone.localdate())
        query = self.request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        return super().get_context_data(
            title="Customers | Reconciliation",
            noun="row",
            search_label="Search Customers",
            state=state,
            page=page,
            totals=totals,
            rows=rows_html(rows, reduce, get_token(self.request)),
            headers=header_links(state),
            pages=page_links(state, page),
            clear_url=state.url(q=None, page=None),
            filter_bar=filter_bar(filters, state),
            clear_filters_url=state.url(**dict.fromkeys(state.filters), page=None),
            exports=[(label, reverse(name) + suffix) for label, name in EXPORTS],
            bill_url=reverse("customers:bill_seats") + suffix,
            billed_upload_url=reverse("customers:billed_upload"),
            **kwargs,
        )


HEADERS = [
    "Customer ID",
    "Company Name",
    "Domain",
    "Product",
    "Licensed",
    "Used",
    "Used On",
    "Billed",
    "Used Above Licensed",
    "Licensed Unused",
    "Used Not Billed",
    "Seat a Month at Cost",
    "Seat a Month at Your Price",
    "At Stake a Month",
    "Currency",
]


def export_rows(rows):
    for row in rows.select_related("company").iterator(chunk_size=1000):
        yield [
            row.company_id,
            row.company.name,
            row.company.domain or None,
            row.code,
            row.licensed,
            row.used,
            row.used_on,
            row.billed,
            row.above,
            row.below,
            row.unbilled,
            row.cost,
            row.price if row.own_price else None,
            cents(row.at_stake),
            row.currency,
        ]


def _download(kind: str, title: str, filename: str, headers: list[str], rows):
    if kind == "csv":
        response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
    target = tempfile.TemporaryFile()
    write_table(target, title, headers, rows)
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)


class ReconciliationExportView(PartnerRequiredMixin, View):
    kind: str

    def get(self, request):
        user = request.user
        state, _ = reconciliation_state(request.GET, user)
        if not state.refused:
            refresh_due(user.partner.pk)
        rows = sorted_rows(matching(user, state), state)
        day = timezone.localdate().isoformat()
        filename = f"{slugify(user.partner.name) or 'msp'}-reconciliation-{day}.{self.kind}"
        return _download(self.kind, "Reconciliation", filename, HEADERS, export_rows(rows))


class ReconciliationCsvView(ReconciliationExportView):
    kind = "csv"


class ReconciliationXlsxView(ReconciliationExportView):
    kind = "xlsx"


BILL_HEADERS = [
    "Company Name",
    "Domain",
    "Product",
    "Seats in Use",
    "As Of",
    "Billed Now",
    "Seats to Bill",
    "Price a Seat a Month",
    "Monthly Amount to Add",
    "Currency",
]


class BillSeatsView(PartnerRequiredMixin, View):
    """Bill these seats: the seats used and not billed, of the rows the list shows, as a CSV
    for the PSA; each customer's History Log says they were exported."""

    def post(self, request):
        user = request.user
        refresh_due(user.partner.pk)
        state, _ = reconciliation_state(request.GET, user)
        rows = list(
            sorted_rows(matching(user, state).filter(unbilled__gt=0), state).select_related(
                "company"
            )
        )
        lines = [
            [
                row.company.name,
                row.company.domain or None,
                row.code,
                row.used,
                row.used_on,
                row.billed,
                row.unbilled,
                row.price,
                cents(row.unbilled * row.price),
                row.currency,
            ]
            for row in rows
        ]
        HistoryEntry.objects.bulk_create(
            history_entry(
                actor=user,
                obj=row.company,
                action=HistoryEntry.Action.UPDATE,
                summary=f"Bill these seats: {row.unbilled:,} seats of {row.code} exported for "
                f"the PSA ({row.used:,} in use, {row.billed:,} billed)",
                msp_only=True,
            )
            for row in rows
        )
        day = timezone.localdate().isoformat()
        filename = f"{slugify(user.partner.name) or 'msp'}-bill-these-seats-{day}.csv"
        return _download("csv", "Bill these seats", filename, BILL_HEADERS, iter(lines))


class TrueUpView(PartnerRequiredMixin, View):
    """True up: Change Options opened with the seats in use filled in, written to the
    customer's History Log."""

    def post(self, request):
        try:
            pk = int(request.POST.get("row", ""))
        except ValueError:
            raise Http404("No such row.") from None
        row = (
            Reconciliation.objects.filter(partner=request.user.partner, pk=pk)
            .select_related("company")
            .first()
        )
        if row is None or row.used is None:
            raise Http404("No such row.")
        history_record(
            actor=request.user,
            obj=row.company,
            action=HistoryEntry.Action.UPDATE,
            summary=(
                f"True up opened: {row.code} from {row.licensed:,} licensed to {row.used:,} in "
                f"use (usage of {row.used_on:%Y-%m-%d})"
            ),
            msp_only=True,
        )
        query = urlencode({"true_up": row.code, "seats": row.used})
        return redirect(reverse("changes:start", args=[row.company_id]) + f"?{query}")
