"""The prospect spreadsheet: the template to download, and the Prospect List exported."""

import io
import tempfile

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from portal.accounts.selectors import implementation_leads_for
from portal.catalog.selectors import products_enabled_for
from portal.companies.columns import PROSPECT_LIST
from portal.companies.list_filters import list_filters
from portal.companies.list_views import filtered_companies, list_state
from portal.companies.models import Company
from portal.core.lists import filter_list
from portal.core.tenancy import PartnerRequiredMixin

from .columns import SheetColumn, sheet_columns
from .spreadsheets import csv_lines, example_row, export_rows, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


class SheetView(PartnerRequiredMixin, View):
    def columns(self) -> list[SheetColumn]:
        return sheet_columns(list(products_enabled_for(partner=self.request.user.partner)))


class TemplateXlsxView(SheetView):
    def get(self, request):
        columns = self.columns()
        lead = implementation_leads_for(request.user.partner).values_list("email", flat=True)
        content = io.BytesIO()
        rows = [example_row(columns, lead_email=lead.first() or "")]
        write_xlsx(content, columns, rows, example=True)
        response = HttpResponse(content.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, "prospects-template.xlsx"
        )
        return response


class TemplateCsvView(SheetView):
    def get(self, request):
        columns = self.columns()
        lead = implementation_leads_for(request.user.partner).values_list("email", flat=True)
        rows = [example_row(columns, lead_email=lead.first() or "")]
        response = HttpResponse(b"".join(csv_lines(columns, rows)), content_type=CSV)
        response["Content-Disposition"] = content_disposition_header(True, "prospects-template.csv")
        return response


class ExportView(SheetView):
    """The Prospect List as it is searched, filtered, narrowed and sorted, in the template's
    columns (a refused filter is left out, as on the page)."""

    def companies(self):
        user, status = self.request.user, Company.Status.PROSPECT
        state = list_state(
            self.request.GET,
            user=user,
            status=status,
            columns=PROSPECT_LIST,
            default_sort="name",
            filters=list_filters(user, status),
        )
        return filter_list(filtered_companies(user, status, state), state, PROSPECT_LIST)

    def filename(self, extension: str) -> str:
        partner = slugify(self.request.user.partner.name) or "msp"
        return f"{partner}-prospects-{timezone.localdate().isoformat()}.{extension}"


class ExportCsvView(ExportView):
    def get(self, request):
        columns = self.columns()
        response = StreamingHttpResponse(
            csv_lines(columns, export_rows(self.companies(), columns)), content_type=CSV
        )
        response["Content-Disposition"] = content_disposition_header(True, self.filename("csv"))
        return response


class ExportXlsxView(ExportView):
    def get(self, request):
        columns = self.columns()
        # An XLSX is a zip, finished only at the end: written to a temporary file, then sent.
        target = tempfile.TemporaryFile()
        write_xlsx(target, columns, export_rows(self.companies(), columns))
        target.seek(0)
        return FileResponse(
            target, as_attachment=True, filename=self.filename("xlsx"), content_type=XLSX
        )
