"""The renewal run: on a term's end date the customer's agreement renews as ``renewal_plan``
says — a new term for each line due, the changes scheduled for that renewal, the prices in
force that day — and what has no auto-renew (or was removed) ends.

- Something changes (seats, prices, a term, a line ending), or a 1- or 3-year commitment
  renews: a new agreement version, Active from the term end, the one before it Superseded that
  day; the scheduled changes applied; the company's figures; one History Log entry; the events
  ``agreement.renewed`` (the vendor sync writes a provisioning request, webhooks tell the MSP).
- Nothing is left: the version in effect becomes Ended that day and the customer a Former
  customer (event ``customer.ended``).
- A monthly term renewing unchanged rolls on in place: its lines' term dates (and the
  company's next renewal and billing date) move on a month, with no new version, no history
  entry and no provisioning request — else every monthly customer would get twelve versions
  a year, all saying nothing new.

Due: Customers (Complete) whose next renewal (``Company.renews_on``) is today or earlier; one
whose job was missed catches up, a term at a time. A customer with a change pending with the
vendor or a version Scheduled to take effect is left for a later run (the task lets versions
due today take effect first): its renewal still starts on the term end. One whose product has
no price in force that day (``NotRenewable``) is logged, given one History Log entry, and left
for a person; the others go on.

Set-based, a batch of customers per transaction, as ``companies.schedule``: the batch's
customers are locked FOR UPDATE SKIP LOCKED (every version move and renewal change holds its
company's lock too), read again under the lock, and written with a bounded number of
statements per batch, so 10,000 due among 1,000,000 take seconds, and two runs at once renew
each term once. A customer the database refuses is logged and left, the batch done without it.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, AgreementLine, Company
from portal.pricing import PriceTable

from .models import RenewalChange
from .plan import NotRenewable, RenewalPlan, renewal_plan
from .renewing import Due, batch_write

logger = logging.getLogger(__name__)

Status = Agreement.Status
BATCH = 1000
# A customer with one of these waits: what renews must be what the vendor has confirmed. In
# the order of the condition of the index one_pending_agreement.
PENDING = [
    Status.NEW_ORDER_PENDING,
    Status.UPSELL_PENDING,
    Status.DOWNSELL_PENDING,
    Status.UPGRADE_PENDING,
]
HELD = [*PENDING, Status.SCHEDULED]


@dataclass
class Run:
    """One run: its day, the prices in force per partner and day, and the customers it left."""

    today: datetime.date
    left: set[int] = field(default_factory=set)
    tables: dict = field(default_factory=dict)

    def table(self, company: Company, day: datetime.date) -> PriceTable:
        key = (company.partner_id, day)
        if key not in self.tables:
            self.tables[key] = price_table_for(company.partner, on=day)
        return self.tables[key]


def renewals_run(today: datetime.date | None = None, *, batch: int = BATCH) -> int:
    """Renew every term due by ``today``; how many customers' renewals it made (new versions,
    ended customers and monthly terms rolled on)."""
    run = Run(today or timezone.localdate())
    done = 0
    while True:
        try:
            with transaction.atomic():
                count = _batch(run, batch)
        except IntegrityError:
            # One customer's inconsistent versions fail the whole batch: do it again one
            # customer at a time, so that only that one is left behind.
            count = _one_by_one(run, batch)
        if count is None:
            return done
        done += count


def _due(run: Run):
    versions = Agreement.objects.filter(company_id=OuterRef("pk"))
    # Two look-ups, each the condition of a small partial unique index (one_pending_agreement,
    # one_scheduled_agreement): as one, PostgreSQL reads every version of every customer.
    pending = versions.filter(status__in=PENDING)
    scheduled = versions.filter(status=Status.SCHEDULED)
    return (
        Company.objects.filter(status=Company.Status.COMPLETE, renews_on__lte=run.today)
        .exclude(pk__in=run.left)
        .exclude(Exists(pending))
        .exclude(Exists(scheduled))
        .order_by("renews_on", "id")
    )


def _one_by_one(run: Run, size: int) -> int | None:
    done, left = 0, len(run.left)
    for company_id in _due(run).values_list("pk", flat=True)[:size]:
        try:
            with transaction.atomic():
                done += _batch(run, 1, only=company_id) or 0
        except IntegrityError:
            logger.exception("Company %s: its renewal cannot be written", company_id)
            run.left.add(company_id)
    # Nothing done and nothing new left (each one held by someone else): the next run.
    return done if done or len(run.left) > left else None


def _batch(run: Run, size: int, only: int | None = None) -> int | None:
    """One batch in the caller's transaction: how many renewals it made, None when nothing is
    left due (or every one left is held by someone else)."""
    companies = _due(run)
    if only is not None:
        companies = companies.filter(pk=only)
    # LIMIT after SKIP LOCKED: a second run takes the next batch rather than waiting.
    locked = list(
        companies.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[
            :size
        ]
    )
    if not locked:
        return None
    dues = _read(run, locked)
    refused = []
    for due in dues:
        try:
            due.plan = _plan(run, due)
        except NotRenewable as error:
            logger.warning("Company %s: its renewal cannot be made: %s", due.company.pk, error)
            run.left.add(due.company.pk)
            refused.append((due, str(error)))
    return batch_write([due for due in dues if due.plan is not None], refused, run.today)


def _plan(run: Run, due: Due) -> RenewalPlan:
    return renewal_plan(
        lines=due.lines,
        changes=due.changes,
        table=run.table(due.company, due.renews_on),
        renews_on=due.renews_on,
    )


def _read(run: Run, locked: list[int]) -> list[Due]:
    """The locked customers as they are now (another run, or a person, may have moved them
    since the look-up's snapshot), with their versions in effect, lines and scheduled
    changes: five statements for the batch."""
    companies = {
        company.pk: company
        for company in Company.objects.filter(
            pk__in=locked, status=Company.Status.COMPLETE, renews_on__lte=run.today
        ).select_related("partner")
    }
    active, held = {}, set()
    for agreement in Agreement.objects.filter(
        company_id__in=companies, status__in=[Status.ACTIVE, *HELD]
    ).order_by():
        if agreement.status == Status.ACTIVE:
            agreement.company = companies[agreement.company_id]
            active[agreement.company_id] = agreement
        else:
            held.add(agreement.company_id)
    lines: dict[int, list[AgreementLine]] = {a.pk: [] for a in active.values()}
    for line in AgreementLine.objects.filter(agreement_id__in=lines).order_by("agreement_id", "id"):
        lines[line.agreement_id].append(line)
    changes: dict[int, list[RenewalChange]] = {}
    for change in RenewalChange.objects.filter(
        company_id__in=active, status=RenewalChange.Status.SCHEDULED
    ).order_by("id"):
        changes.setdefault(change.company_id, []).append(change)
    last = dict(
        Agreement.objects.filter(company_id__in=active)
        .order_by()
        .values_list("company_id")
        .annotate(Max("version"))
    )
    dues = []
    for company_id in locked:
        agreement = active.get(company_id)
        renews_on = _renews_on(lines[agreement.pk]) if agreement else None
        if company_id in held or renews_on is None or renews_on > run.today:
            # Gone from the due (done by another run), waiting for the vendor, or figures
            # that no longer say when it renews: not this run's.
            run.left.add(company_id)
            continue
        dues.append(
            Due(
                company=companies[company_id],
                active=agreement,
                lines=lines[agreement.pk],
                changes=changes.get(company_id, []),
                renews_on=renews_on,
                last_version=last[company_id],
            )
        )
    return dues


def _renews_on(lines: list[AgreementLine]) -> datetime.date | None:
    """The term end the renewal is for: the earliest of the lines that renew."""
    return min((line.term_end for line in lines if line.term_end and line.commitment), default=None)
