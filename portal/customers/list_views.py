"""Customers | In Progress and Customers | Complete: the company list (companies.list_views)
with the columns of each, as the seeds show them, what each customer pays, the MSP's total of
monthly fees, and the list exported as CSV or XLSX."""

import itertools
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from portal.companies.columns import (
    COMPLETE_LIST,
    FEES,
    FORMER_LIST,
    IN_PROGRESS_LIST,
    CompanyColumn,
)
from portal.companies.list_filters import DATES, list_filters
from portal.companies.list_views import CompanyListView, filtered_companies, list_state
from portal.companies.models import Company
from portal.companies.selectors import fee_totals_for
from portal.core.lists import filter_list
from portal.core.sheets import CSV, XLSX, csv_lines, write_table
from portal.core.templatetags.money import money
from portal.core.tenancy import PartnerRequiredMixin
from portal.pricebook.selectors import has_prices, monthly_fees_sold
from portal.rfi.models import rfi_progress_of

CHUNK = 2000
SECTORS = dict(Company.Sector.choices)
EXPORT_LABELS = ("Export CSV", "Export XLSX")


class CustomerListView(CompanyListView):
    noun = "customer"
    search_label = "Search Customers"
    export_names: tuple[str, str]  # the URL names of Export CSV and Export XLSX

    def get_context_data(self, **kwargs):
        query = self.request.GET.urlencode()
        return super().get_context_data(
            fee_totals=fee_totals_for(self.request.user, self.status),
            exports=[
                (label, reverse(name) + (f"?{query}" if query else ""))
                for label, name in zip(EXPORT_LABELS, self.export_names, strict=True)
            ],
            **kwargs,
        )


class InProgressListView(CustomerListView):
    status = Company.Status.IN_PROGRESS
    title = "Customers | In Progress"
    columns = IN_PROGRESS_LIST
    export_names = ("customers:in_progress_csv", "customers:in_progress_xlsx")

    def page_rows(self):
        return Company.objects.select_related("rfi")

    def rows_html(self, companies):
        # The Request for Information column: where each new customer's answers are.
        for company in companies:
            company.rfi_progress = rfi_progress_of(company)
        return super().rows_html(companies)


# Once the MSP has a price book, the Monthly Fees cell also says what the customer pays at the
# MSP's prices and the margin (worked out for the page's rows: another column would not fit).
FEES_AND_MARGIN = CompanyColumn(
    "fees", "Monthly Fees", order_by="monthly_fees", attr="fees_cell", numeric=True
)
COMPLETE_WITH_MARGIN = [FEES_AND_MARGIN if column is FEES else column for column in COMPLETE_LIST]


class CompleteListView(CustomerListView):
    status = Company.Status.COMPLETE
    title = "Customers | Complete"
    columns = COMPLETE_LIST  # the API's rows read it too
    export_names = ("customers:complete_csv", "customers:complete_xlsx")

    def get_context_data(self, **kwargs):
        if has_prices(self.request.user.partner):
            self.columns = COMPLETE_WITH_MARGIN
        return super().get_context_data(**kwargs)

    def rows_html(self, companies):
        if self.columns is COMPLETE_WITH_MARGIN:
            partner = self.request.user.partner
            figures = monthly_fees_sold(partner, [company.pk for company in companies])
            for company in companies:
                company.fees_cell = fees_cell(company, *figures.get(company.pk, (None, None)))
        return super().rows_html(companies)


def fees_cell(company: Company, cost, yours) -> str:
    fees = money(company.monthly_fees, company.fees_currency)
    if yours is None:
        return fees
    return format_html(
        '{}<br><span class="fee-note">yours {}</span><br><span class="fee-note">margin {}</span>',
        fees,
        money(yours, company.fees_currency),
        money(yours - cost, company.fees_currency),
    )


class FormerListView(CompanyListView):
    """Customers whose every product ended at a renewal; a New order on the page reopens one."""

    status = Company.Status.FORMER
    title = "Customers | Former customers"
    columns = FORMER_LIST
    noun = "former customer"
    search_label = "Search Former Customers"
    template_name = "customers/former_list.html"


# The export: the list as it is searched, filtered and sorted, every page of it


def export_headers(status: str) -> list[str]:
    return [
        "ID",
        "Company Name",
        "Domain",
        "Sector",
        "Implementation Lead",
        "Products",
        "Seats",
        "Monthly Fees",
        "Currency",
        DATES[status][1],
        "Last Changed",
    ]


def export_rows(companies, status: str):
    """The rows of the export, read 2,000 at a time: no query per row, whatever the count."""
    date = DATES[status][2]
    rows = companies.values_list(
        "id",
        "name",
        "domain",
        "sector",
        "lead_name",
        "fee_products",
        "fee_seats",
        "monthly_fees",
        "fees_currency",
        date,
        "updated_at",
    ).iterator(chunk_size=CHUNK)
    for row in rows:
        (pk, name, domain, sector, lead, products, seats, fees, currency, day, changed) = row
        yield [
            pk,
            name,
            domain or None,
            SECTORS.get(sector) or None,
            lead or None,
            ", ".join(products.split()) or None,
            seats,
            fees,
            currency or None,
            day,
            timezone.localtime(changed),
        ]


def with_margin(rows, partner, at: int):
    """The export's rows with the customer's monthly fees at the MSP's prices and the margin
    put in at ``at`` (empty while a line has no price): worked out 2,000 rows at a time."""
    batch = []
    for row in itertools.chain(rows, [None]):
        if row is not None:
            batch.append(row)
            if len(batch) < CHUNK:
                continue
        figures = monthly_fees_sold(partner, [row[0] for row in batch])
        for done in batch:
            cost, yours = figures.get(done[0], (None, None))
            done[at:at] = [yours, None if yours is None else yours - cost]
            yield done
        batch = []


class ExportView(PartnerRequiredMixin, View):
    status: str
    columns: list
    kind: str  # "csv" or "xlsx"

    def get(self, request):
        user = request.user
        state = list_state(
            request.GET,
            user=user,
            status=self.status,
            columns=self.columns,
            default_sort="name",
            filters=list_filters(user, self.status),
        )
        # A refused parameter is left out, as on the page: the export is what the page lists.
        companies = filter_list(filtered_companies(user, self.status, state), state, self.columns)
        headers = export_headers(self.status)
        rows = export_rows(companies, self.status)
        if self.status == Company.Status.COMPLETE and has_prices(user.partner):
            # The MSP's own file: its prices and margin beside the contracted fees.
            at = headers.index("Monthly Fees") + 1
            headers[at:at] = ["Monthly Fees at Your Prices", "Margin"]
            rows = with_margin(rows, user.partner, at)
        partner = slugify(user.partner.name) or "msp"
        stem = slugify(self.status).replace("_", "-")
        filename = f"{partner}-customers-{stem}-{timezone.localdate().isoformat()}.{self.kind}"
        if self.kind == "csv":
            response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV)
            response["Content-Disposition"] = content_disposition_header(True, filename)
            return response
        # An XLSX is a zip, finished only at the end: written to a temporary file, then sent.
        target = tempfile.TemporaryFile()
        write_table(target, "Customers", headers, rows)
        target.seek(0)
        return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)


def export_view(status: str, columns: list, kind: str):
    return type(
        f"Export{kind.title()}View",
        (ExportView,),
        {"status": status, "columns": columns, "kind": kind},
    ).as_view()


# Each list's export views, by URL name.
EXPORTS = {
    f"{name}_{kind}": export_view(status, columns, kind)
    for (name, status, columns), kind in itertools.product(
        [
            ("in_progress", Company.Status.IN_PROGRESS, IN_PROGRESS_LIST),
            ("complete", Company.Status.COMPLETE, COMPLETE_LIST),
        ],
        ("csv", "xlsx"),
    )
}
