"""Prospects | Upload Prospects: a CSV or XLSX file of prospects, and the import's progress.

The screen's service does the work (``import_upload``): a file is imported once (the same file
again is refused while its import waits, runs or is done), every row is checked before anything
is saved, and all rows are saved or none. A small file is imported before the answer comes
back; a larger one by the worker, whose progress the import's URL tells.
"""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from portal.core import xlsx_check
from portal.core.http import error_body
from portal.prospects.import_services import AlreadyImported, import_current, import_upload
from portal.prospects.imports import (
    ALREADY_IMPORTED,
    MAX_BYTES,
    MAX_CELL_CHARS,
    MAX_LISTED_ERRORS,
    MAX_ROWS,
    FileRejected,
    upload_error,
)
from portal.prospects.models import ProspectImport
from portal.prospects.selectors import prospect_import_for

from ..errors import FieldErrors
from ..idempotency import idempotent
from ..schema import ErrorDetail
from .base import PortalView


class ImportInput(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"One .csv or .xlsx file (first sheet) of at most {MAX_BYTES // 1048576} MB "
        f"and {MAX_ROWS:,} rows, with the columns of the Upload Prospects template; a cell holds "
        f"at most {MAX_CELL_CHARS:,} characters, and an .xlsx file unpacks to at most "
        f"{xlsx_check.MAX_UNPACKED_BYTES // 1048576} MB."
    )


class RowError(serializers.Serializer):
    row = serializers.IntegerField(help_text="As the spreadsheet numbers it: the header is 1.")
    column = serializers.CharField()
    problem = serializers.CharField()


class ImportOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    filename = serializers.CharField()
    status = serializers.ChoiceField(
        ProspectImport.Status.choices,
        help_text="pending → checking → saving → done; or invalid (nothing imported: see "
        "`message` and `errors`), or failed (nothing imported: see `message`).",
    )
    status_display = serializers.CharField(source="get_status_display")
    finished = serializers.BooleanField()
    percent = serializers.IntegerField(help_text="Progress, 0 to 100.")
    total_rows = serializers.IntegerField()
    checked_rows = serializers.IntegerField()
    created_count = serializers.IntegerField()
    updated_count = serializers.IntegerField()
    error_count = serializers.IntegerField(
        help_text=f"Every problem found; the first {MAX_LISTED_ERRORS:,} are listed in `errors`."
    )
    errors = serializers.SerializerMethodField()
    message = serializers.CharField(help_text="The outcome in one sentence, once finished.")
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, upload) -> str:
        return self.context["request"].build_absolute_uri(import_path(upload.pk))

    @extend_schema_field(RowError(many=True))
    def get_errors(self, upload) -> list[dict]:
        return [
            {"row": row, "column": column, "problem": problem}
            for row, column, problem in upload.errors
        ]


class AlreadyImportedDetail(ErrorDetail):
    import_id = serializers.IntegerField(required=False, help_text="The import of this file.")
    import_url = serializers.CharField(required=False)


class AlreadyImportedError(serializers.Serializer):
    error = AlreadyImportedDetail()


def import_path(pk: int) -> str:
    return reverse("api:prospect_import", args=[pk])


def _the_upload(request):
    """The one uploaded file, or the screen's refusal of it."""
    files = request.FILES.getlist("file")
    if error := upload_error(files):
        raise FieldErrors({"file": [error]})
    return files[0]


class ProspectImportView(PortalView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="prospects_import",
        request={"multipart/form-data": ImportInput},
        responses={
            201: OpenApiResponse(
                ImportOut,
                description="A small file, imported (or refused row by row) before the answer: "
                "see `status`.",
            ),
            202: OpenApiResponse(
                ImportOut,
                description="A larger file, waiting for the worker: follow `url` (also in "
                "`Location`) until `finished`.",
            ),
            409: OpenApiResponse(
                AlreadyImportedError,
                description="This file was uploaded before (`already_imported`): `import_id` is "
                "that import. Or a request with this Idempotency-Key is still in progress.",
            ),
        },
        summary="Upload Prospects",
        description="Creates a prospect for each row, or changes the prospect of a row's "
        "`ID`. Every row is checked first, with the rules of Create Prospect: if any row has a "
        "problem, nothing is imported and `errors` lists each (row, column, problem) — every "
        "problem of every row in one answer, by row then column. The template's example row "
        "is never imported: it is skipped, and `message` says so.",
    )
    @idempotent
    def post(self, request):
        upload = _the_upload(request)
        try:
            started = import_upload(actor=request.user, file=upload)
        except AlreadyImported as exc:
            existing = exc.existing.pk
            body = error_body(status.HTTP_409_CONFLICT, "already_imported", ALREADY_IMPORTED)
            body["error"]["import_id"] = existing
            body["error"]["import_url"] = request.build_absolute_uri(import_path(existing))
            return Response(
                body, status=status.HTTP_409_CONFLICT, headers={"Location": import_path(existing)}
            )
        except FileRejected as exc:
            raise FieldErrors({"file": [str(exc)]}) from exc
        # A small file is imported before the answer, as on the screen.
        answer = status.HTTP_202_ACCEPTED if started.queued else status.HTTP_201_CREATED
        started = prospect_import_for(request.user, started.pk)
        return Response(
            ImportOut(started, context={"request": request}).data,
            status=answer,
            headers={"Location": import_path(started.pk)},
        )


class ProspectImportDetailView(PortalView):
    @extend_schema(
        operation_id="prospects_import_read",
        responses=ImportOut,
        summary="An upload of prospects: its progress and result",
    )
    def get(self, request, pk: int):
        upload = import_current(prospect_import_for(request.user, pk))
        return Response(ImportOut(upload, context={"request": request}).data)
