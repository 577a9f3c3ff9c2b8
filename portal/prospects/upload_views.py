"""Prospects | Upload Prospects: the form, the progress of an import and its errors."""

import csv

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from portal.core.tenancy import PartnerRequiredMixin

from .import_services import (
    AlreadyImported,
    import_answered,
    import_current,
    import_upload,
    imports_expire,
)
from .imports import (
    ALREADY_IMPORTED,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_ROWS,
    FileRejected,
    upload_error,
)
from .models import ProspectImport
from .selectors import prospect_import_for, prospect_imports_for
from .spreadsheets import neutralise
from .upload_forms import RegionalFormatForm


class UploadView(PartnerRequiredMixin, View):
    template_name = "prospects/upload.html"

    def render(
        self,
        request,
        error: str = "",
        existing: ProspectImport | None = None,
        regional: RegionalFormatForm | None = None,
        asked: ProspectImport | None = None,
    ):
        imports = prospect_imports_for(request.user).defer("errors")
        recent = list(imports[:10])
        if any(not upload.finished for upload in recent) and imports_expire(imports):
            recent = list(imports[:10])
        return render(
            request,
            self.template_name,
            {
                "error": error,
                "existing": existing,
                "regional": regional or RegionalFormatForm(user=request.user),
                "asked": asked,
                "asks": asked.asks.split() if asked else [],
                "recent": recent,
                "max_mb": MAX_BYTES // (1024 * 1024),
                "max_rows": MAX_ROWS,
                "max_cell": MAX_CELL_CHARS,
            },
        )

    def get(self, request):
        # From the result page of a queued import that asked ("Answer on the upload page").
        number = request.GET.get("answer", "")
        if number.isascii() and number.isdigit() and 0 < len(number) < 19:
            asked = prospect_import_for(request.user, int(number))
            if asked.asks:
                return self.render(request, asked.message, asked=asked)
        return self.render(request)

    def post(self, request):
        regional = RegionalFormatForm(request.POST, user=request.user)
        if not regional.is_valid():
            return self.render(request, regional=regional)
        regional.remember()
        answers = {
            "date_order": regional.cleaned_data["date_order"],
            "decimal_mark": regional.cleaned_data["decimal_mark"],
        }
        files = request.FILES.getlist("file")
        asked = regional.cleaned_data["asked"]
        if asked and not files:
            asked = prospect_import_for(request.user, asked)
        elif error := upload_error(files):
            return self.render(request, error, regional=regional)
        try:
            if files:
                started = import_upload(actor=request.user, file=files[0], **answers)
            else:
                started = import_answered(actor=request.user, asked=asked, **answers)
        except AlreadyImported as exc:
            return self.render(request, ALREADY_IMPORTED, exc.existing, regional=regional)
        except FileRejected as exc:
            return self.render(request, str(exc), regional=regional)
        if not started.queued:  # imported already, by another instance of the row
            started.refresh_from_db(fields=["asks", "message"])
        if started.asks:
            # Read two ways, and not answered: asked here, next to the question, at once.
            return self.render(request, started.message, regional=regional, asked=started)
        return redirect("prospects:upload_result", pk=started.pk)


class UploadResultView(PartnerRequiredMixin, View):
    def get(self, request, pk: int):
        upload = import_current(prospect_import_for(request.user, pk))
        template = (
            "prospects/_upload_progress.html" if request.htmx else "prospects/upload_result.html"
        )
        return render(request, template, {"upload": upload})


class UploadErrorsView(PartnerRequiredMixin, View):
    """The error list as CSV: row, column, problem; text that a spreadsheet would run as a
    formula (a problem may quote a cell) gets a leading ', as in the export."""

    def get(self, request, pk: int):
        upload = prospect_import_for(request.user, pk)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="errors-upload-{upload.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["Row", "Column", "Problem"])
        writer.writerows([neutralise(value) for value in error] for error in upload.errors)
        return response
