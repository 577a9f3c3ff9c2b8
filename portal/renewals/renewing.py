"""The renewal run's writes for one batch of customers, set-based: a fixed number of
statements whatever the batch's size (see ``run``). In the caller's transaction, with the
customers locked."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from portal.companies.billing import add_months
from portal.companies.models import Agreement, AgreementLine, Company
from portal.companies.schedule import FIGURES, figures_write
from portal.companies.versions import fee_figures, renewal_figures
from portal.core.bulk import objects_insert, rows_update
from portal.core.models import HistoryEntry

from .events import agreements_renewed, customers_ended
from .models import RenewalChange
from .plan import RenewalPlan

Status = Agreement.Status
# What the run writes on a customer: its figures, as every version move does, its next billing
# date, and its status (a Former customer once nothing is left).
WRITTEN = [*FIGURES, "next_billing_date", "status"]
EMPTY = {
    "fee_products": "",
    "fee_seats": None,
    "monthly_fees": None,
    "fees_currency": "",
    "renews_on": None,
    "commitment_ends_on": None,
    "permitted_users": None,
    "next_billing_date": None,
    "status": Company.Status.FORMER,
}


@dataclass(eq=False)
class Due:
    """A customer due for renewal, read under its lock."""

    company: Company
    active: Agreement  # the version in effect, whose lines renew
    lines: list[AgreementLine]
    changes: list[RenewalChange]  # every change scheduled for the customer
    renews_on: datetime.date  # the term end this renewal is for
    last_version: int
    plan: RenewalPlan | None = None
    made: Agreement | None = None  # the new version, if the renewal makes one

    @property
    def starts_on(self) -> datetime.date:
        """The day the renewal takes effect: the term end, or the day the version in effect
        began if later (a Scheduled version that took effect after the term ended, which held
        the renewal until then): versions in effect follow each other without overlapping."""
        return max(self.renews_on, self.active.effective_from)


def batch_write(dues: list[Due], refused: list[tuple[Due, str]], today: datetime.date) -> int:
    """Write the batch's renewals; how many were made."""
    now = timezone.now()
    ending, renewing, rolling = [], [], []
    for due in dues:
        if due.plan.ends_everything:
            ending.append(due)
        elif due.plan.changed or due.plan.commitment_renews:
            renewing.append(due)
        else:
            rolling.append(due)
    # Out of effect first (one Active version per company at every moment; on PostgreSQL the
    # exclusion constraint checks the days as each row is written).
    rows_update(
        Agreement,
        ["status", "effective_until"],
        [[due.active.pk, Status.SUPERSEDED, due.starts_on] for due in renewing]
        + [[due.active.pk, Status.ENDED, due.starts_on] for due in ending],
    )
    for due in ending:
        due.active.status, due.active.effective_until = Status.ENDED, due.starts_on
    for due in renewing:
        due.active.status, due.active.effective_until = Status.SUPERSEDED, due.starts_on
    for due in [*ending, *renewing]:
        lines_known(due.active, due.lines)
    lines = _versions_make(renewing, now)
    _changes_settle(dues, now)
    _rolled_write(rolling, today)
    # The history first: it tells the figures before the renewal.
    _history_write(renewing, ending, refused, now)
    _figures_write(renewing, ending, lines, today, now)
    # One event per kind for the batch; its subscribers (vendor sync, webhooks) write in this
    # transaction.
    if renewing:
        agreements_renewed(
            agreements=[due.made for due in renewing],
            replaced={due.company.pk: due.active for due in renewing},
        )
    if ending:
        customers_ended(agreements=[due.active for due in ending])
    return len(dues)


def _versions_make(renewing: list[Due], now) -> dict[int, list[AgreementLine]]:
    """The new versions, Active from the term end, and their lines: renewing lines at their
    new term, quantity and prices; the others as they were. Their ids, and two COPYs."""
    for due in renewing:
        due.made = Agreement(
            company=due.company,
            version=due.last_version + 1,
            status=Status.ACTIVE,
            total_users=due.plan.seats(due.active.total_users),
            currency=due.active.currency,
            reason=f"Renewal on {due.renews_on:%Y-%m-%d}",
            created_at=now,
            activated_at=now,
            effective_from=due.starts_on,
        )
    objects_insert([due.made for due in renewing], ids=True)
    lines = {}
    for due in renewing:
        lines[due.made.pk] = [
            AgreementLine(
                agreement=due.made,
                product_id=line.was.product_id,
                code=line.code,
                name=line.name,
                term=line.was.term,
                charge=line.was.charge,
                quantity=line.quantity,
                unit_price=line.unit_price,
                payment=line.payment,
                commitment=line.commitment,
                billing=line.was.billing,
                term_start=line.term_start,
                term_end=line.term_end,
                auto_renew=line.auto_renew,
            )
            for line in due.plan.lines
        ]
    objects_insert([line for rows in lines.values() for line in rows])
    for due in renewing:
        lines_known(due.made, lines[due.made.pk])
    return lines


def lines_known(agreement: Agreement, lines: list[AgreementLine]) -> None:
    """The version's lines as if prefetched (Django's own cache of a prefetch), so that the
    events' subscribers, which prefetch them, read none again: 20,000 rows a run."""
    rows = QuerySet(AgreementLine)  # what agreement.lines.all() returns once prefetched
    rows._result_cache, rows._prefetch_done = lines, True
    agreement._prefetched_objects_cache = {"lines": rows}


def _changes_settle(dues: list[Due], now) -> None:
    """The changes scheduled for this renewal are applied, with the version they made (an
    ended customer's: its Ended version); one whose line ended anyway (auto-renew off) is
    cancelled, by nobody. Changes for a later renewal stay scheduled."""
    applied, moot = [], []
    for due in dues:
        used = {change.pk for line in due.plan.lines for change in line.changes}
        used |= {change.pk for change in due.plan.removed}
        version = due.made or due.active
        for change in due.changes:
            if change.renews_on != due.renews_on:
                continue
            if change.pk in used:
                applied.append([change.pk, RenewalChange.Status.APPLIED, now, version.pk])
            else:
                moot.append(change.pk)
    rows_update(RenewalChange, ["status", "applied_at", "agreement"], applied)
    if moot:
        RenewalChange.objects.filter(pk__in=moot).update(
            status=RenewalChange.Status.CANCELLED, cancelled_at=now
        )


def _rolled_write(rolling: list[Due], today: datetime.date) -> None:
    """Monthly terms renewing unchanged: their lines' dates move on in place, and so do the
    customer's next renewal and billing date (no new version, no history, nothing to the
    vendor, and the customer's "updated" left as it was)."""
    rows, companies = [], []
    for due in rolling:
        moved = {line.was.pk: line for line in due.plan.renewing}
        for line in due.lines:
            if line.pk in moved:
                line.term_start, line.term_end = moved[line.pk].term_start, moved[line.pk].term_end
                rows.append([line.pk, line.term_start, line.term_end])
        company = due.company
        for name, value in renewal_figures(due.lines).items():
            setattr(company, name, value)
        company.next_billing_date = next_billing(company, due.lines, today)
        companies.append(
            [company.pk, company.renews_on, company.commitment_ends_on, company.next_billing_date]
        )
    rows_update(AgreementLine, ["term_start", "term_end"], rows)
    rows_update(Company, ["renews_on", "commitment_ends_on", "next_billing_date"], companies)


def next_billing(company: Company, lines, today: datetime.date) -> datetime.date | None:
    """The customer's next billing date after ``today``: the one on record if still ahead,
    else moved on by whole billing periods from it (a month if any line is billed monthly,
    else a year), so that the 31st stays the 31st where a month has one."""
    anchor = company.next_billing_date
    billed = {line.billing for line in lines if line.billing}
    if not billed or (anchor is not None and anchor > today):
        return anchor
    months = 1 if "monthly" in billed else 12
    anchor = anchor or company.renews_on or today
    step = 0
    while add_months(anchor, months * step) <= today:
        step += 1
    return add_months(anchor, months * step)


def _figures_write(renewing, ending, lines, today, now) -> None:
    """The customers' figures from their new versions; an ended one's emptied, and it is a
    Former customer. One UPDATE for the batch."""
    for due in renewing:
        company, made = due.company, due.made
        made_lines = lines[made.pk]
        figures = fee_figures(made_lines, made.total_users, made.currency)
        figures["permitted_users"] = made.total_users
        for name, value in figures.items():
            setattr(company, name, value)
        company.next_billing_date = next_billing(company, made_lines, today)
    for due in ending:
        for name, value in EMPTY.items():
            setattr(due.company, name, value)
    figures_write([due.company for due in [*renewing, *ending]], WRITTEN, now)


# The History Log


def _history_write(renewing, ending, refused, now) -> None:
    kind = ContentType.objects.get_for_model(Company)
    entries = [_entry(kind, due, *_renewed(due), now) for due in renewing] + [
        _entry(kind, due, *_ended(due), now) for due in ending
    ]
    if refused:
        # Once per renewal, however often the run comes back to it.
        told = set(
            HistoryEntry.objects.filter(
                content_type=kind,
                object_id__in=[due.company.pk for due, _ in refused],
                summary__startswith="Renewal on ",
            ).values_list("object_id", "summary")
        )
        for due, error in refused:
            summary = f"{_not_renewed(due)} {error}. Set a price or end the term by hand."
            if not any(pk == due.company.pk and s.startswith(_not_renewed(due)) for pk, s in told):
                entries.append(_entry(kind, due, summary, {}, now))
    objects_insert(entries)


def _not_renewed(due: Due) -> str:
    return f"Renewal on {due.renews_on:%Y-%m-%d}: not renewed:"


def _entry(kind, due: Due, summary: str, changes: dict, now) -> HistoryEntry:
    company = due.company
    return HistoryEntry(
        partner_id=company.partner_id,
        actor=None,
        content_type=kind,
        object_id=company.pk,
        object_repr=str(company)[:200],
        action=HistoryEntry.Action.STATUS,
        summary=_short(summary),
        changes=changes,
        created_at=now,
    )


def _short(text: str, length: int = 300) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _seats(line, quantity: int, price: Decimal, currency: str) -> str:
    count = f"{quantity:,} seats" if line.charge == "per_seat" else f"{quantity:,}"
    return f"{count} at {price} {currency}"


def _renewed(due: Due) -> tuple[str, dict]:
    """What renewed, at what seats and prices, until when; what ended; the versions."""
    plan, old, made, currency = due.plan, due.active, due.made, due.active.currency
    changes = {
        f"Agreement version {made.version}": [None, Status.ACTIVE.label],
        f"Agreement version {old.version}": [Status.ACTIVE.label, Status.SUPERSEDED.label],
    }
    renewed = []
    for line in plan.renewing:
        was = line.was
        renewed.append(
            f"{line.code} {_seats(was, line.quantity, line.unit_price, currency)} "
            f"until {line.term_end:%Y-%m-%d}"
        )
        changes[line.code] = [
            f"{_seats(was, was.quantity, was.unit_price, currency)} until {was.term_end:%Y-%m-%d}",
            f"{_seats(was, line.quantity, line.unit_price, currency)} until "
            f"{line.term_end:%Y-%m-%d}",
        ]
    ended = _ended_lines(plan, changes)
    if due.company.permitted_users != made.total_users:
        changes["permitted_users"] = [due.company.permitted_users, made.total_users]
    summary = (
        f"Renewal on {due.renews_on:%Y-%m-%d}: agreement version {made.version} "
        f"({made.total_users:,} seats) replaces version {old.version}"
    )
    if renewed:
        summary += "; renewed " + ", ".join(renewed)
    if ended:
        summary += "; ended " + ", ".join(ended)
    return summary, changes


def _ended(due: Due) -> tuple[str, dict]:
    old = due.active
    changes = {
        f"Agreement version {old.version}": [Status.ACTIVE.label, Status.ENDED.label],
        "status": [Company.Status.COMPLETE.label, Company.Status.FORMER.label],
        "permitted_users": [due.company.permitted_users, None],
    }
    ended = _ended_lines(due.plan, changes)
    summary = (
        f"Renewal on {due.renews_on:%Y-%m-%d}: nothing renews, agreement version "
        f"{old.version} ended; ended {', '.join(ended)}; now a Former customer"
    )
    return summary, changes


def _ended_lines(plan: RenewalPlan, changes: dict) -> list[str]:
    removed = {change.code for change in plan.removed}
    ended = []
    for line in plan.ending:
        why = "removed" if line.code in removed else "auto-renew off"
        ended.append(f"{line.code} ({why})")
        changes[line.code] = [f"{line.quantity:,} seats", f"Ended ({why})"]
    return ended
