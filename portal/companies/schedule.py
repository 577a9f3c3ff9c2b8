"""Scheduled versions take effect: on its date a Scheduled version becomes Active and the one
in effect Superseded, with one history entry on the company and the event
``agreement.took_effect``.

Set-based, a batch of companies per transaction, so that 10,000 due among 1,000,000 take a
bounded number of statements. Exactly once, however many run it at once: each batch locks its
companies (skipping those another run holds; every version move of ``versions`` holds its
company's lock too) and reads again, under the lock, which of their versions are still due.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.core.models import HistoryEntry

from .events import agreements_took_effect
from .models import Agreement, AgreementLine, Company
from .versions import fee_figures

Status = Agreement.Status
BATCH = 1000


def versions_take_effect(today: datetime.date | None = None, *, batch: int = BATCH) -> int:
    """Make every Scheduled version due by ``today`` Active; how many it made."""
    today = today or timezone.localdate()
    done = 0
    while True:
        with transaction.atomic():
            count = _batch(today, batch)
        if count is None:
            return done
        done += count


def _batch(today: datetime.date, size: int) -> int | None:
    """One batch in the caller's transaction: how many took effect, None when none is left
    (or every one left is held by another run, which will do it)."""
    due = Agreement.objects.filter(status=Status.SCHEDULED, effective_from__lte=today)
    locked = list(
        Company.objects.select_for_update(skip_locked=True)
        .filter(pk__in=Subquery(due.order_by("effective_from", "id").values("company_id")[:size]))
        .values_list("pk", flat=True)
    )
    if not locked:
        return None
    # Read again under the lock: another run may have done these since our look-up.
    starting = list(due.filter(company_id__in=locked).select_related("company"))
    if not starting:
        return 0
    companies = [agreement.company_id for agreement in starting]
    stopping = {
        a.company_id: a
        for a in Agreement.objects.filter(company_id__in=companies, status=Status.ACTIVE).only(
            "id", "company_id", "version", "total_users"
        )
    }
    starts_on = Agreement.objects.filter(
        company_id=OuterRef("company_id"), status=Status.SCHEDULED
    ).values("effective_from")[:1]
    # Out of effect first: one Active version per company at every moment.
    Agreement.objects.filter(pk__in=[a.pk for a in stopping.values()]).update(
        status=Status.SUPERSEDED, effective_until=Coalesce("effective_until", Subquery(starts_on))
    )
    now = timezone.now()
    Agreement.objects.filter(pk__in=[a.pk for a in starting]).update(status=Status.ACTIVE)
    lines: dict[int, list[AgreementLine]] = {a.pk: [] for a in starting}
    for line in AgreementLine.objects.filter(agreement_id__in=lines).order_by("agreement", "id"):
        lines[line.agreement_id].append(line)
    _history_write(starting, stopping, now)
    _figures_write(starting, lines, now)
    for agreement in starting:
        agreement.status = Status.ACTIVE
        agreement.company.permitted_users = agreement.total_users
    agreements_took_effect(agreements=starting, replaced=stopping)
    return len(starting)


def _history_write(starting, stopping, now) -> None:
    kind = ContentType.objects.get_for_model(Company)
    entries = []
    for agreement in starting:
        company, old = agreement.company, stopping.get(agreement.company_id)
        changes = {f"Agreement version {agreement.version}": ["Scheduled", "Active"]}
        summary = f"Agreement version {agreement.version} took effect"
        if old is not None:
            changes[f"Agreement version {old.version}"] = ["Active", "Superseded"]
            summary += f"; version {old.version} is superseded"
        if company.permitted_users != agreement.total_users:
            changes["permitted_users"] = [company.permitted_users, agreement.total_users]
        entries.append(
            HistoryEntry(
                partner_id=company.partner_id,
                actor=None,
                content_type=kind,
                object_id=company.pk,
                object_repr=str(company)[:200],
                action=HistoryEntry.Action.STATUS,
                summary=summary,
                changes=changes,
                created_at=now,
            )
        )
    HistoryEntry.objects.bulk_create(entries)


def _figures_write(starting, lines, now) -> None:
    """Permitted Users and the customer lists' figures, from the versions now in effect."""
    companies = []
    for agreement in starting:
        company = agreement.company
        figures = fee_figures(lines[agreement.pk], agreement.total_users, agreement.currency)
        for name, value in figures.items():
            setattr(company, name, value)
        company.permitted_users = agreement.total_users
        company.updated_at = now
        companies.append(company)
    Company.objects.bulk_update(
        companies,
        [
            "fee_products",
            "fee_seats",
            "monthly_fees",
            "fees_currency",
            "permitted_users",
            "updated_at",
        ],
        batch_size=BATCH,
    )
