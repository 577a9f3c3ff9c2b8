"""Running an import: every row checked, then all of them saved in one transaction, or none.

``import_services.import_start`` records the file; this is what its task (or the web request,
for a small file) does with it, within the import's time budget.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from portal.companies.models import Company, CompanyProduct
from portal.companies.services import EDITABLE, labelled, product_codes
from portal.core.bulk import insert_rows, reserve_ids
from portal.core.history import changed_fields, snapshot
from portal.core.models import HistoryEntry

from .imports import FileRejected, Plan, PlannedRow, TimeLimitReached, check_file
from .models import ProspectImport
from .regional import NeedsAnswer

logger = logging.getLogger(__name__)
BATCH = 10_000
RUNNING = [ProspectImport.Status.CHECKING, ProspectImport.Status.SAVING]


class Abandoned(Exception):
    """The import was ended as failed by ``imports_expire`` while it was still saving."""


def limit_text(seconds: int) -> str:
    if seconds >= 7200 and not seconds % 3600:
        return f"{seconds // 3600} hours"
    return f"{seconds // 60} minutes" if seconds >= 120 else f"{seconds} second{pluralize(seconds)}"


def import_run(*, import_id: int) -> str:
    """Check every row; save all of them in one transaction, or none if any is bad."""
    upload = (
        ProspectImport.objects.select_related("partner", "uploaded_by")
        .defer("content")
        .get(pk=import_id)
    )
    now = timezone.now()
    limit = settings.PROSPECT_IMPORT_TIME_LIMIT_SECONDS
    deadline = now + datetime.timedelta(seconds=limit)
    # Taken up once: a second task for the same import (a retry) finds it no longer waiting.
    taken = ProspectImport.objects.filter(
        pk=upload.pk, status=ProspectImport.Status.PENDING
    ).update(status=ProspectImport.Status.CHECKING, deadline=deadline, updated_at=now)
    if not taken:
        return ProspectImport.objects.values_list("status", flat=True).get(pk=upload.pk)
    upload.status, upload.deadline = ProspectImport.Status.CHECKING, deadline
    try:
        _check_and_save(upload, deadline)
    except TimeLimitReached:
        _fail(
            upload,
            f"Stopped: the import ran past its time limit of {limit_text(limit)}. "
            "Nothing was imported; split the file into smaller ones and upload each.",
        )
    except Abandoned:
        upload.refresh_from_db(fields=["status"])
    except Exception:
        # A fault of ours or of the file's reader: told, and the import still ends.
        logger.exception("Import %s stopped on an error", upload.pk)
        _fail(
            upload,
            "Stopped on an unexpected error. Nothing was imported; upload the file "
            "again, or save it as CSV.",
        )
    return upload.status


def _check_and_save(upload: ProspectImport, deadline: datetime.datetime) -> None:
    def progress(checked: int) -> None:
        _set(upload, checked_rows=checked)

    try:
        content = ProspectImport.objects.values_list("content", flat=True).get(pk=upload.pk)
        plan = check_file(
            upload.partner,
            upload.filename,
            bytes(content),
            progress,
            deadline,
            date_order=upload.date_order,
            decimal_mark=upload.decimal_mark,
        )
        del content
    except FileRejected as exc:
        _finish(upload, status=ProspectImport.Status.INVALID, message=str(exc))
        return
    except NeedsAnswer as exc:
        # Upload Prospects asks; the file is kept for the answer (``import_answered``).
        _finish(
            upload,
            keep_file=True,
            status=ProspectImport.Status.INVALID,
            message=str(exc),
            asks=" ".join(exc.asks),
        )
        return
    upload.total_rows = plan.total
    if plan.error_count:
        _finish(
            upload,
            status=ProspectImport.Status.INVALID,
            errors=plan.errors,
            error_count=plan.error_count,
            total_rows=plan.total,
            checked_rows=plan.total,
            message=f"{plan.error_count} problem{pluralize(plan.error_count)} found; "
            "nothing was imported." + plan.note,
        )
        return
    saving = ProspectImport.objects.filter(
        pk=upload.pk, status=ProspectImport.Status.CHECKING
    ).update(
        status=ProspectImport.Status.SAVING,
        total_rows=plan.total,
        checked_rows=plan.total,
        updated_at=timezone.now(),
    )
    if not saving:
        raise Abandoned
    upload.status = ProspectImport.Status.SAVING
    try:
        with transaction.atomic():
            created, updated = _save(upload, plan, deadline)
            # Only while still "Saving": once ended as failed, the saved rows are rolled back.
            if not _finish(
                upload,
                status=ProspectImport.Status.DONE,
                created_count=created,
                updated_count=updated,
                message=f"{created} prospect{pluralize(created)} created, {updated} updated."
                + plan.note,
            ):
                raise Abandoned
    except IntegrityError:
        # Someone saved a prospect with one of these names or domains while we were checking.
        logger.info("Import %s collided with a concurrent change", upload.pk)
        _fail(
            upload,
            "A prospect with one of these names or domains was saved meanwhile. "
            "Nothing was imported; upload the file again to see which.",
        )


def _set(upload: ProspectImport, **fields) -> None:
    fields["updated_at"] = timezone.now()
    for name, value in fields.items():
        setattr(upload, name, value)
    ProspectImport.objects.filter(pk=upload.pk).update(**fields)


def _fail(upload: ProspectImport, message: str) -> None:
    """Ends a running import as failed, saying why; nothing of it is saved."""
    _finish(upload, status=ProspectImport.Status.FAILED, message=message)


def _finish(upload: ProspectImport, *, keep_file: bool = False, **fields) -> bool:
    """Ends a running import; False if it had been ended already (by ``imports_expire``)."""
    now = timezone.now()
    fields.update(finished_at=now, updated_at=now)
    if not keep_file:
        # The file is not needed any more; its hash still guards against importing it twice.
        fields["content"] = b""
    fields["message"] = fields.get("message", "")[:500]
    ended = ProspectImport.objects.filter(pk=upload.pk, status__in=RUNNING).update(**fields)
    if ended:
        for name, value in fields.items():
            setattr(upload, name, value)
    return bool(ended)


def _save(upload: ProspectImport, plan: Plan, deadline: datetime.datetime) -> tuple[int, int]:
    new = [row for row in plan.rows if not row.pk]
    changed = [row for row in plan.rows if row.pk]
    for start in range(0, len(new), BATCH):
        _on_time(deadline)
        _create(upload, new[start : start + BATCH])
    updated = 0
    for start in range(0, len(changed), BATCH):
        _on_time(deadline)
        updated += _update(upload, changed[start : start + BATCH])
    return len(new), updated


def _on_time(deadline: datetime.datetime) -> None:
    if timezone.now() >= deadline:
        raise TimeLimitReached


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
    "fee_products",
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
            product_codes(row.products),  # what the lists' product filter reads
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
        company.fee_products = product_codes(row.products)
        company.updated_at = now
        companies.append(company)
        changes.append(labelled(changed_fields(before, snapshot(company, EDITABLE))))
    Company.objects.bulk_update(companies, [*EDITABLE, "lead_name", "fee_products", "updated_at"])
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
