"""Scheduled versions take effect: on its date a Scheduled version becomes Active and the one
in effect Superseded, with one history entry on the company and the event
``agreement.took_effect``.

Set-based, a batch of companies per transaction, so that 10,000 due among 1,000,000 take a
bounded number of statements. Exactly once, however many run it at once: each batch locks its
companies (skipping those another run or a user's action holds; every version move of
``versions`` holds its company's lock too) and reads again, under the lock, which of their
versions are still due. On SQLite every transaction takes the write lock at BEGIN (IMMEDIATE,
see config/settings.py), so two runs take their batches one after the other.
"""

import datetime
import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from portal.core.bulk import rows_update
from portal.core.models import HistoryEntry

from .events import agreements_took_effect
from .models import Agreement, AgreementLine, Company
from .monthly import figures_refresh
from .versions import fee_figures

logger = logging.getLogger(__name__)

Status = Agreement.Status
BATCH = 1000


def versions_take_effect(today: datetime.date | None = None, *, batch: int = BATCH) -> int:
    """Make every Scheduled version due by ``today`` Active; how many it made.

    A company locked by someone else is left for the next run (the scheduler runs this every
    quarter of an hour); one whose versions the database refuses to move is logged and left
    for a person, without holding up the others.
    """
    today = today or timezone.localdate()
    done, refused = 0, set()
    while True:
        try:
            with transaction.atomic():
                count = _batch(today, batch, refused)
        except IntegrityError:
            # One customer's inconsistent versions fail the whole batch: do it again one
            # company at a time, so that only that one is left behind.
            count = _one_by_one(today, batch, refused)
        if count is None:
            return done
        done += count


def _one_by_one(today: datetime.date, size: int, refused: set[int]) -> int | None:
    done, refusals = 0, len(refused)
    for company_id in _due(today, refused).values_list("company_id", flat=True)[:size]:
        try:
            with transaction.atomic():
                done += _batch(today, 1, refused, only=company_id) or 0
        except IntegrityError:
            logger.exception(
                "Company %s: its scheduled agreement version cannot take effect", company_id
            )
            refused.add(company_id)
    # Nothing done and nothing new refused (each one held by someone else): the next run.
    return done if done or len(refused) > refusals else None


def _due(today: datetime.date, refused: set[int]):
    return (
        Agreement.objects.filter(status=Status.SCHEDULED, effective_from__lte=today)
        .exclude(company_id__in=refused)
        .order_by("effective_from", "id")
    )


def _batch(
    today: datetime.date, size: int, refused: set[int], only: int | None = None
) -> int | None:
    """One batch in the caller's transaction: how many took effect, None when none is left
    (or every one left is held by someone else)."""
    # The companies locked straight from the due versions (the partial index
    # agreement_scheduled_due), LIMIT after SKIP LOCKED: a second run takes the next batch
    # rather than stopping at the first one's.
    companies = Company.objects.filter(
        agreements__status=Status.SCHEDULED, agreements__effective_from__lte=today
    ).exclude(pk__in=refused)
    if only is not None:
        companies = companies.filter(pk=only)
    locked = list(
        companies.select_for_update(skip_locked=True, of=("self",))
        .order_by("agreements__effective_from", "agreements__id")
        .values_list("pk", flat=True)[:size]
    )
    if not locked:
        return None
    # Read again under the lock: another run may have done these, or a user cancelled the
    # downsell, since our look-up's snapshot.
    starting = list(_due(today, refused).filter(company_id__in=locked).select_related("company"))
    if not starting:
        return 0
    companies = [agreement.company_id for agreement in starting]
    stopping = {
        a.company_id: a
        for a in Agreement.objects.filter(company_id__in=companies, status=Status.ACTIVE)
        .order_by()
        .only("id", "company_id", "version", "total_users")
    }
    # Out of effect first (one Active version per company at every moment), on the day its
    # successor starts, so that the versions in effect follow each other without a gap.
    starts_on = (
        Agreement.objects.filter(company_id=OuterRef("company_id"), status=Status.SCHEDULED)
        .order_by()  # not the model's ordering, which joins the company for its name
        .values("effective_from")[:1]
    )
    Agreement.objects.filter(pk__in=[a.pk for a in stopping.values()]).update(
        status=Status.SUPERSEDED, effective_until=Subquery(starts_on)
    )
    Agreement.objects.filter(pk__in=[a.pk for a in starting]).update(status=Status.ACTIVE)
    now = timezone.now()
    # The lines as the figures need them: plain rows, not 2 model instances per company.
    lines: dict[int, list] = {a.pk: [] for a in starting}
    rows = (
        AgreementLine.objects.filter(agreement_id__in=lines)
        .order_by("agreement_id", "id")
        .values_list(
            "agreement_id", "code", "term", "payment", "commitment", "term_end", named=True
        )
    )
    for line in rows:
        lines[line.agreement_id].append(line)
    _history_write(starting, stopping, now)
    _figures_write(starting, lines, now)
    for agreement in starting:
        agreement.status = Status.ACTIVE
    # One event for the batch; its subscribers (webhooks) write in this transaction.
    agreements_took_effect(agreements=starting, replaced=stopping)
    return len(starting)


def _history_write(starting, stopping, now) -> None:
    """One entry per company, in the words of ``versions.versions_move``'s entries."""
    kind = ContentType.objects.get_for_model(Company)
    entries = []
    for agreement in starting:
        company, old = agreement.company, stopping.get(agreement.company_id)
        changes = {f"Agreement version {agreement.version}": ["Scheduled", "Active"]}
        summary = (
            f"Agreement version {agreement.version} ({agreement.total_users:,} seats) took "
            f"effect on {agreement.effective_from:%Y-%m-%d}"
        )
        if old is not None:
            changes[f"Agreement version {old.version}"] = ["Active", "Superseded"]
            summary += f"; version {old.version} ({old.total_users:,} seats) is superseded"
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


FIGURES = [
    "fee_products",
    "fee_seats",
    "monthly_fees",
    "fees_currency",
    "renews_on",
    "commitment_ends_on",
    "permitted_users",
]


def _figures_write(starting, lines, now) -> None:
    """Permitted Users and the customer lists' figures, from the versions now in effect."""
    companies = []
    for agreement in starting:
        company = agreement.company
        figures = fee_figures(lines[agreement.pk], agreement.total_users, agreement.currency)
        figures["permitted_users"] = agreement.total_users
        for name, value in figures.items():
            setattr(company, name, value)
        companies.append(company)
    figures_write(companies, FIGURES, now)


def figures_write(companies: list[Company], fields: list[str], now) -> None:
    """Write ``fields`` of each company as they are on the instance, and ``updated_at``: one
    UPDATE ... FROM a list of values for the batch (``core.bulk.rows_update``); and the
    partners' figures from their versions now. The companies are the batch's, locked by the
    caller (the scheduled job, and the renewal run, which writes its figures so too)."""
    rows = [[company.pk, *(getattr(company, name) for name in fields)] for company in companies]
    rows_update(Company, fields, rows, also={"updated_at": now})
    figures_refresh((company.pk for company in companies), locked=True)
    for company in companies:
        company.updated_at = now
