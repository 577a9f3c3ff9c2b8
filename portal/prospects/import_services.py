"""Uploading prospects: start an import (once per file), check it, save it in one transaction."""

import datetime
import hashlib
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from portal.companies.models import Company, CompanyProduct
from portal.companies.services import EDITABLE, labelled
from portal.core.bulk import insert_rows, reserve_ids
from portal.core.history import changed_fields, snapshot
from portal.core.models import HistoryEntry
from portal.core.tasks import enqueue_in_transaction

from .imports import MAX_BYTES, FileRejected, Plan, PlannedRow, check_file
from .models import ProspectImport

logger = logging.getLogger(__name__)
INLINE_BYTES = 100_000  # about 1,000 rows: larger files are imported by a task
STALE_AFTER = datetime.timedelta(minutes=15)  # no sign of life from an import for this long
BATCH = 10_000


class AlreadyImported(Exception):
    def __init__(self, existing: ProspectImport):
        self.existing = existing
        super().__init__(str(existing))


def import_start(*, partner, actor, filename: str, content: bytes) -> ProspectImport:
    """Record the upload; the same file twice (two clicks, two tabs) raises AlreadyImported.

    The guard is the database's: a unique constraint on (partner, file hash) while an import of
    that file is waiting, running or done.
    """
    if len(content) > MAX_BYTES:
        raise FileRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    digest = hashlib.sha256(content).hexdigest()
    _release_stale(partner=partner, digest=digest)
    try:
        with transaction.atomic():
            upload = ProspectImport.objects.create(
                partner=partner,
                uploaded_by=actor,
                filename=filename[:255],
                sha256=digest,
                content=content,
            )
            if len(content) > INLINE_BYTES:
                from .tasks import run_prospect_import

                enqueue_in_transaction(run_prospect_import, import_id=upload.pk)
    except IntegrityError:
        existing = ProspectImport.objects.filter(
            partner=partner, sha256=digest, status__in=ProspectImport.HOLDS_FILE
        ).first()
        if existing is None:  # the other one ended in the meantime: try once more
            return import_start(partner=partner, actor=actor, filename=filename, content=content)
        raise AlreadyImported(existing) from None
    return upload


def _release_stale(*, partner, digest: str) -> None:
    """An import whose worker died holds its file: after a while, let it go."""
    ProspectImport.objects.filter(
        partner=partner,
        sha256=digest,
        status__in=[
            ProspectImport.Status.PENDING,
            ProspectImport.Status.CHECKING,
            ProspectImport.Status.SAVING,
        ],
        updated_at__lt=timezone.now() - STALE_AFTER,
    ).update(
        status=ProspectImport.Status.FAILED,
        message="Stopped without finishing.",
        finished_at=timezone.now(),
    )


def import_run(*, import_id: int) -> str:
    """Check every row; save all of them in one transaction, or none if any is bad."""
    upload = (
        ProspectImport.objects.select_related("partner", "uploaded_by")
        .defer("content")
        .get(pk=import_id)
    )
    if upload.status != ProspectImport.Status.PENDING:
        return upload.status
    _set(upload, status=ProspectImport.Status.CHECKING)

    def progress(checked: int) -> None:
        _set(upload, checked_rows=checked)

    try:
        content = ProspectImport.objects.values_list("content", flat=True).get(pk=upload.pk)
        plan = check_file(upload.partner, upload.filename, bytes(content), progress)
        del content
    except FileRejected as exc:
        _finish(upload, status=ProspectImport.Status.INVALID, message=str(exc))
        return upload.status
    upload.total_rows = plan.total
    if plan.error_count:
        _finish(
            upload,
            status=ProspectImport.Status.INVALID,
            errors=plan.errors,
            error_count=plan.error_count,
            total_rows=plan.total,
            checked_rows=plan.total,
            message=f"{plan.error_count} problem(s) found; nothing was imported.",
        )
        return upload.status
    _set(
        upload, status=ProspectImport.Status.SAVING, total_rows=plan.total, checked_rows=plan.total
    )
    try:
        with transaction.atomic():
            created, updated = _save(upload, plan)
            _finish(
                upload,
                status=ProspectImport.Status.DONE,
                created_count=created,
                updated_count=updated,
                message=f"{created} prospect(s) created, {updated} updated.",
            )
    except IntegrityError:
        # Someone saved a prospect with one of these names or domains while we were checking.
        logger.info("Import %s collided with a concurrent change", upload.pk)
        _finish(
            upload,
            status=ProspectImport.Status.FAILED,
            message="A prospect with one of these names or domains was saved meanwhile. "
            "Nothing was imported; upload the file again to see which.",
        )
    return upload.status


def _set(upload: ProspectImport, **fields) -> None:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(upload, name, value)
    ProspectImport.objects.filter(pk=upload.pk).update(**fields)


def _finish(upload: ProspectImport, **fields) -> None:
    # The file is not needed any more; its hash still guards against importing it twice.
    _set(upload, finished_at=timezone.now(), content=b"", **fields)


def _save(upload: ProspectImport, plan: Plan) -> tuple[int, int]:
    new = [row for row in plan.rows if not row.pk]
    changed = [row for row in plan.rows if row.pk]
    for start in range(0, len(new), BATCH):
        _create(upload, new[start : start + BATCH])
    updated = 0
    for start in range(0, len(changed), BATCH):
        updated += _update(upload, changed[start : start + BATCH])
    return len(new), updated


COMPANY_COLUMNS = [
    "id",
    "partner_id",
    "status",
    "company_type",
    "name",
    "domain",
    "website",
    "sector",
    "implementation_lead_id",
    "secondary_contact_id",
    "lead_name",
    "expected_provision_date",
    "permitted_users",
    "created_at",
    "updated_at",
]
HISTORY_COLUMNS = [
    "partner_id",
    "actor_id",
    "created_at",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "summary",
    "changes",
]


def _create(upload: ProspectImport, rows: list[PlannedRow]) -> None:
    """New prospects, their products and a history entry each, written below the ORM: at
    100,000 rows, building model instances costs more than the database's own work."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    ids = reserve_ids(Company, len(rows))
    partner = upload.partner_id
    status = Company.Status.PROSPECT.value

    def company(pk: int, row: PlannedRow) -> tuple:
        f = row.fields
        lead, secondary = f.get("implementation_lead"), f.get("secondary_contact")
        return (
            pk,
            partner,
            status,
            f["company_type"],
            f["name"],
            f["domain"].lower(),
            f.get("website", ""),
            f["sector"],
            lead.pk if lead else None,
            secondary.pk if secondary else None,
            str(lead) if lead else "",
            ops.adapt_datefield_value(f.get("expected_provision_date")),
            f["permitted_users"],
            now,
            now,
        )

    insert_rows(Company, COMPANY_COLUMNS, map(company, ids, rows))
    insert_rows(
        CompanyProduct,
        ["company_id", "product_id", "seats"],
        (
            (pk, product.pk, seats)
            for pk, row in zip(ids, rows, strict=True)
            for product, seats in row.products.items()
        ),
    )
    content_type = ContentType.objects.get_for_model(Company).pk
    summary = f"Prospect created by upload of {upload.filename}"[:300]
    insert_rows(
        HistoryEntry,
        HISTORY_COLUMNS,
        (
            (
                partner,
                upload.uploaded_by_id,
                now,
                content_type,
                pk,
                row.fields["name"][:200],
                HistoryEntry.Action.CREATE.value,
                summary,
                "{}",
            )
            for pk, row in zip(ids, rows, strict=True)
        ),
    )


def _update(upload: ProspectImport, rows: list[PlannedRow]) -> int:
    now = timezone.now()
    current = Company.objects.in_bulk([row.pk for row in rows])
    companies, changes = [], []
    for row in rows:
        company = current[row.pk]
        before = snapshot(company, EDITABLE)
        for name, value in row.fields.items():
            setattr(company, name, value)
        company.domain = company.domain.lower()
        lead = row.fields.get("implementation_lead")
        company.lead_name = str(lead) if lead else ""
        company.updated_at = now
        companies.append(company)
        changes.append(labelled(changed_fields(before, snapshot(company, EDITABLE))))
    Company.objects.bulk_update(companies, [*EDITABLE, "lead_name", "updated_at"])
    CompanyProduct.objects.filter(company__in=companies).delete()
    CompanyProduct.objects.bulk_create(
        CompanyProduct(company=company, product=product, seats=seats)
        for company, row in zip(companies, rows, strict=True)
        for product, seats in row.products.items()
    )
    _history(
        upload,
        companies,
        HistoryEntry.Action.UPDATE,
        f"Changed by upload of {upload.filename}",
        changes,
        now,
    )
    return len(companies)


def _history(upload, companies, action, summary, changes, now) -> None:
    # One entry per prospect, like a change on the form, written in bulk with the rows.
    content_type = ContentType.objects.get_for_model(Company)
    HistoryEntry.objects.bulk_create(
        HistoryEntry(
            partner=upload.partner,
            actor=upload.uploaded_by,
            created_at=now,
            content_type=content_type,
            object_id=company.pk,
            object_repr=company.name[:200],
            action=action,
            summary=summary[:300],
            changes=change,
        )
        for company, change in zip(companies, changes, strict=True)
    )
