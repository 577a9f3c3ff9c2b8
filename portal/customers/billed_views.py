"""Customers | Upload Billed Seats: the form, the file's row problems, and the template."""

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views import View

from portal.core import uploads
from portal.core.sheets import CSV, csv_lines
from portal.core.tenancy import PartnerRequiredMixin
from portal.core.text import Form
from portal.core.uploads import FileRejected
from portal.usage.billing import billable_products

from .billed_upload import (
    COLUMNS,
    HEADERS,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_ROWS,
    RowsRefused,
    billed_upload,
)

ONE_FILE = "Choose one file to upload."


class BilledUploadForm(Form):
    file = forms.FileField(
        label="Billed seats file (CSV or XLSX)",
        error_messages={"required": ONE_FILE, "invalid": ONE_FILE, "empty": "The file is empty."},
    )

    def clean_file(self):
        if error := uploads.upload_error(self.files.getlist("file"), max_bytes=MAX_BYTES):
            raise forms.ValidationError(error)
        return self.cleaned_data["file"]


class BilledUploadView(PartnerRequiredMixin, View):
    template_name = "customers/billed_upload.html"

    def render(self, request, form: BilledUploadForm, refused: RowsRefused | None = None):
        context = {
            "form": form,
            "columns": COLUMNS,
            "products": billable_products(request.user.partner),
            "max_mb": MAX_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
            "max_cell": MAX_CELL_CHARS,
            "refused": refused,
        }
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render(request, BilledUploadForm())

    def post(self, request):
        form = BilledUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            recorded = billed_upload(actor=request.user, filename=upload.name, content=content)
        except FileRejected as exc:
            form.add_error("file", str(exc))
            return self.render(request, form)
        except RowsRefused as exc:
            return self.render(request, form, exc)
        messages.success(
            request,
            f"Billed seats uploaded from {uploads.plain(upload.name)}: {recorded.changed:,} "
            f"changed, {recorded.unchanged:,} already so.",
        )
        return redirect("customers:billed_upload")


class BilledTemplateView(PartnerRequiredMixin, View):
    """The upload's columns, as a CSV to fill in."""

    def get(self, request):
        response = HttpResponse(b"".join(csv_lines(HEADERS, [])), content_type=CSV)
        response["Content-Disposition"] = content_disposition_header(
            True, "billed-seats-template.csv"
        )
        return response
