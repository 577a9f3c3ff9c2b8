"""Uploading prospects: start an import (once per file), and run it now or leave it to a task.

Every import ends: imported, or not imported with the reason. Its task has a time budget
(``PROSPECT_IMPORT_TIME_LIMIT_SECONDS``, looked at every 1,000 rows and between saved batches)
and a bounded memory (the file limits of ``imports`` and ``core.xlsx_check``: nothing is read whole
that could grow beyond them). An import whose worker died is ended by ``imports_expire``, which
``outbox_recover`` runs on each round and which a look at the import's progress runs too. The
run itself (check, then save) is ``importing.import_run``.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal.core.outbox import enqueue_in_transaction
from portal.core.uploads import CONTROL
from portal.core.xlsx_check import ArchiveRefused, unpacked_size

from .importing import RUNNING, import_run, limit_text
from .imports import MAX_BYTES, FileRejected
from .models import ProspectImport
from .tasks import run_prospect_import

INLINE_BYTES = 100_000  # about 1,000 rows of CSV: larger files are imported by a task
INLINE_UNPACKED_BYTES = 1_000_000  # an XLSX file unpacked: about 1,000 rows
# A file kept for its regional-format answer is given up when nobody answers within a day.
ASKED_KEPT = datetime.timedelta(days=1)
ANSWERED = "That file is no longer kept (answered already, or a day old): choose it again."
EXPIRE_GRACE = datetime.timedelta(seconds=60)  # a live task stops itself at its deadline


class AlreadyImported(Exception):
    def __init__(self, existing: ProspectImport):
        self.existing = existing
        super().__init__(str(existing))


def _is_xlsx(filename: str) -> bool:
    return filename.lower().endswith((".xlsx", ".xlsm"))


def runs_inline(filename: str, content: bytes) -> bool:
    """Small enough to import while the web request waits; the rest is the worker's.

    An XLSX file is measured unpacked: 100 KB of it can hold 10 MB of rows.
    """
    if len(content) > INLINE_BYTES:
        return False
    if not _is_xlsx(filename):
        return True
    try:
        return unpacked_size(content) <= INLINE_UNPACKED_BYTES
    except ArchiveRefused:
        return True  # refused at once when read: nothing to parse


def import_upload(
    *, actor, file: UploadedFile, date_order: str | None = None, decimal_mark: str | None = None
) -> ProspectImport:
    """An uploaded file, as the screen and the API take it: started, and imported before the
    answer goes back when it is small (``upload.queued`` False); a larger one is the worker's.

    ``date_order``, ``decimal_mark``: the uploader's regional format, as the upload page's
    answers give it ("": not answered); None (the API) takes the format last answered."""
    upload = import_start(
        partner=actor.partner,
        actor=actor,
        filename=file.name,
        content=file.read(),
        date_order=actor.upload_date_order if date_order is None else date_order,
        decimal_mark=actor.upload_decimal_mark if decimal_mark is None else decimal_mark,
    )
    if not upload.queued:
        import_run(import_id=upload.pk)
    return upload


def import_answered(
    *, actor, asked: ProspectImport, date_order: str, decimal_mark: str
) -> ProspectImport:
    """The file of an import that asked about its regional format, imported again with the
    answers (as ``import_upload``): the user need not choose the file again. The asked import
    gives its file up. Raises FileRejected when the file is no longer kept."""
    content = ProspectImport.objects.values_list("content", flat=True).get(pk=asked.pk)
    if not asked.asks or not content:
        raise FileRejected(ANSWERED)
    upload = import_start(
        partner=actor.partner,
        actor=actor,
        filename=asked.filename,
        content=bytes(content),
        date_order=date_order,
        decimal_mark=decimal_mark,
    )
    ProspectImport.objects.filter(pk=asked.pk).update(content=b"", asks="")
    if not upload.queued:
        import_run(import_id=upload.pk)
    return upload


def import_start(
    *, partner, actor, filename: str, content: bytes, date_order: str = "", decimal_mark: str = ""
) -> ProspectImport:
    """Record the upload; the same file twice (two clicks, two tabs) raises AlreadyImported.

    Unless ``runs_inline`` says it is small, its task is queued in the same transaction, and
    ``upload.queued`` says so.

    The guard is the database's: a unique constraint on (partner, file hash) while an import of
    that file is waiting, running or done. An XLSX file that is not safe to open is refused
    here, before it is stored (FileRejected).
    """
    if len(content) > MAX_BYTES:
        raise FileRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if _is_xlsx(filename):
        try:
            unpacked_size(content)
        except ArchiveRefused as exc:
            raise FileRejected(str(exc)) from None
    digest = hashlib.sha256(content).hexdigest()
    imports_expire(ProspectImport.objects.filter(partner=partner, sha256=digest))
    try:
        with transaction.atomic():
            upload = ProspectImport.objects.create(
                partner=partner,
                uploaded_by=actor,
                filename=CONTROL.sub("", filename)[:255],
                sha256=digest,
                content=content,
                date_order=date_order,
                decimal_mark=decimal_mark,
            )
            upload.queued = not runs_inline(filename, content)
            if upload.queued:
                enqueue_in_transaction(run_prospect_import, import_id=upload.pk)
    except IntegrityError:
        existing = ProspectImport.objects.filter(
            partner=partner, sha256=digest, status__in=ProspectImport.HOLDS_FILE
        ).first()
        if existing is None:  # the other one ended in the meantime: try once more
            return import_start(
                partner=partner,
                actor=actor,
                filename=filename,
                content=content,
                date_order=date_order,
                decimal_mark=decimal_mark,
            )
        raise AlreadyImported(existing) from None
    return upload


def imports_expire(imports=None) -> int:
    """End as failed, with the reason, each import that can no longer finish; how many.

    One left "Checking rows" or "Saving" by a worker that died or was stopped, once its deadline
    has passed by a minute; one that no worker took up within the wait limit.
    """
    everyone = imports is None
    imports = ProspectImport.objects.all() if everyone else imports
    now = timezone.now()
    ended = {"status": ProspectImport.Status.FAILED, "finished_at": now, "updated_at": now}
    limit = limit_text(settings.PROSPECT_IMPORT_TIME_LIMIT_SECONDS)
    wait = datetime.timedelta(seconds=settings.PROSPECT_IMPORT_WAIT_LIMIT_SECONDS)
    stopped = imports.filter(
        Q(deadline__lt=now - EXPIRE_GRACE)
        | Q(deadline__isnull=True, updated_at__lt=now - wait),  # began before deadlines were
        status__in=RUNNING,
    ).update(
        content=b"",
        message="Stopped without finishing: its worker stopped, or it ran past its time limit "
        f"of {limit}. Nothing was imported; upload the file again, or split it.",
        **ended,
    )
    never_started = imports.filter(
        status=ProspectImport.Status.PENDING, created_at__lt=now - wait
    ).update(
        content=b"",
        message=f"No worker started this import within {limit_text(int(wait.total_seconds()))}"
        ". Nothing was imported; upload the file again.",
        **ended,
    )
    if everyone:  # the sweep of ``outbox_recover``: files kept for an answer nobody gave
        imports.filter(asks__gt="", finished_at__lt=now - ASKED_KEPT).update(content=b"", asks="")
    return stopped + never_started


def import_current(upload: ProspectImport) -> ProspectImport:
    """The import as it stands, ended first if it can no longer finish: a page or client that
    follows its progress never waits forever, even with no ``outbox_recover`` running."""
    if not upload.finished and imports_expire(ProspectImport.objects.filter(pk=upload.pk)):
        upload.refresh_from_db()
    return upload
