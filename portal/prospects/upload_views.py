"""Prospects | Upload Prospects: the form, the progress of an import and its errors."""

import csv

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from portal.core.tenancy import PartnerRequiredMixin, for_partner, get_for_partner_or_404

from .import_services import INLINE_BYTES, AlreadyImported, import_run, import_start
from .imports import ALREADY_IMPORTED, MAX_BYTES, MAX_ROWS, FileRejected, upload_error
from .models import ProspectImport


class UploadView(PartnerRequiredMixin, View):
    template_name = "prospects/upload.html"

    def render(self, request, error: str = "", existing: ProspectImport | None = None):
        recent = for_partner(ProspectImport, request.user).defer("content", "errors")[:10]
        return render(
            request,
            self.template_name,
            {
                "error": error,
                "existing": existing,
                "recent": recent,
                "max_mb": MAX_BYTES // (1024 * 1024),
                "max_rows": MAX_ROWS,
            },
        )

    def get(self, request):
        return self.render(request)

    def post(self, request):
        files = request.FILES.getlist("file")
        if error := upload_error(files):
            return self.render(request, error)
        upload = files[0]
        try:
            started = import_start(
                partner=request.user.partner,
                actor=request.user,
                filename=upload.name,
                content=upload.read(),
            )
        except AlreadyImported as exc:
            return self.render(request, ALREADY_IMPORTED, exc.existing)
        except FileRejected as exc:
            return self.render(request, str(exc))
        if upload.size <= INLINE_BYTES:
            import_run(import_id=started.pk)  # small: done before the page comes back
        return redirect("prospects:upload_result", pk=started.pk)


class UploadResultView(PartnerRequiredMixin, View):
    def get(self, request, pk: int):
        upload = get_for_partner_or_404(
            ProspectImport.objects.defer("content"), request.user, pk=pk
        )
        template = (
            "prospects/_upload_progress.html" if request.htmx else "prospects/upload_result.html"
        )
        return render(request, template, {"upload": upload})


class UploadErrorsView(PartnerRequiredMixin, View):
    """The error list as CSV: row, column, problem."""

    def get(self, request, pk: int):
        upload = get_for_partner_or_404(
            ProspectImport.objects.defer("content"), request.user, pk=pk
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="errors-upload-{upload.pk}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["Row", "Column", "Problem"])
        writer.writerows(upload.errors)
        return response
