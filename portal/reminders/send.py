"""The reminders job: every reminder due today, each sent once however often it runs.

Set-based, like ``companies.schedule``: per kind, one query finds the keys due and not sent
yet; then each batch, in a transaction of its own, reads its objects again, inserts their
reminders with ON CONFLICT DO NOTHING (``bulk_create(ignore_conflicts=True)``), reads back by
the batch's ``run`` id the rows it inserted itself, and for those alone writes the recipients,
the e-mails (one INSERT for the messages, one for their tasks), the History Log entries and
the webhooks (one event per batch): a bounded number of statements per batch, never one per
reminder. A second run, or a second worker at the same moment, inserts nothing for a key the
first holds: on PostgreSQL its insert waits for the first's transaction and then skips the
row; on SQLite transactions take the write lock at BEGIN, one after the other.
"""

import datetime
import functools
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.companies.models import Company
from portal.core import events
from portal.core.bulk import insert_rows
from portal.core.models import HistoryEntry
from portal.core.outbox import Mail, messages_queue

from .due import Due, Key, Run
from .models import EVENT, Delivery, Kind, Recipient, Reminder
from .pending import DownsellDeadline, OrderNotSubmitted, QuoteExpiring, RfiUnanswered
from .recipients import recipients_of
from .terms import RenewalDeadline, TermEnding

BATCH = 1000
KINDS = [
    TermEnding(),
    RenewalDeadline(),
    DownsellDeadline(),
    QuoteExpiring(),
    RfiUnanswered(),
    OrderNotSubmitted(),
]


def reminders_send(today: datetime.date | None = None, *, batch: int = BATCH) -> int:
    """Send every reminder due ``today`` not sent yet; how many this run sent."""
    run = Run(today=today or timezone.localdate(), now=timezone.now())
    sent = 0
    for kind in KINDS:
        keys = kind.keys(run)
        for start in range(0, len(keys), batch):
            with transaction.atomic():
                sent += _batch(kind, keys[start : start + batch], run)
    return sent


def _batch(kind, keys, run: Run) -> int:
    dues = sorted(kind.dues(keys, run), key=lambda due: due.key)
    if not dues:
        return 0
    batch_run = uuid.uuid4()
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=due.kind,
                partner_id=due.partner_id,
                company_id=due.company_id,
                object_id=due.key.object_id,
                deadline=due.key.deadline,
                days=due.key.days,
                sent_on=run.today,
                created_at=run.now,
                run=batch_run,
                title=due.title[:300],
                facts=due.facts,
                url=due.url[:300],
            )
            for due in dues
        ],
        ignore_conflicts=True,
    )
    # The rows this batch inserted; any other key was sent already (or is being sent by a run
    # whose transaction holds it) and is left alone.
    mine = {
        Key(object_id, deadline, days): pk
        for pk, object_id, deadline, days in Reminder.objects.filter(run=batch_run).values_list(
            "pk", "object_id", "deadline", "days"
        )
    }
    dues = [due for due in dues if due.key in mine]
    if not dues:
        return 0
    told = recipients_of(dues, run)
    # Those who get it in their digest wait for it there; the others' e-mail is queued now
    # (its ``to`` and the History Log say who they were).
    Recipient.objects.bulk_create(
        Recipient(reminder_id=mine[due.key], user_id=person.id)
        for n, due in enumerate(dues)
        for person, delivery in told[n]
        if delivery == Delivery.DIGEST
    )
    messages_queue(
        [
            _mail(due, [p.email for p, delivery in told[n] if delivery == Delivery.EMAIL])
            for n, due in enumerate(dues)
            if any(delivery == Delivery.EMAIL for _, delivery in told[n])
        ]
    )
    _history_write(dues, told, run)
    events.publish(
        events.Happened(
            EVENT[kind.kind], partner=None, items=tuple(_webhook(due, run) for due in dues)
        )
    )
    return len(dues)


def _mail(due: Due, to: list[str]) -> Mail:
    return Mail(
        template="reminder",
        to=sorted(to),
        context={
            "title": due.title,
            "kind": Kind(due.kind).label,
            "facts": due.facts,
            "url": settings.SITE_URL + due.url,
            "preferences_url": settings.SITE_URL + _preferences_path(),
        },
        partner_id=due.partner_id,
    )


@functools.cache
def _preferences_path() -> str:
    return reverse("reminders:preferences")


def _history_write(dues: list[Due], told: dict, run: Run) -> None:
    """One entry per reminder on its customer's or prospect's History Log, written below the
    ORM (``core.bulk``: COPY on PostgreSQL), as a thousand model instances cost seconds."""
    kind = ContentType.objects.get_for_model(Company).pk
    rows = []
    for n, due in enumerate(dues):
        names = [person.name for person, _ in told[n]]
        to = f"sent to {', '.join(names)}" if names else "not sent: those concerned turned it off"
        rows.append(
            [
                due.partner_id,
                run.now,
                kind,
                due.company_id,
                due.company_name[:200],
                HistoryEntry.Action.REMINDER.value,
                f"Reminder: {due.title} — {to}"[:300],
                "{}",
            ]
        )
    insert_rows(HistoryEntry, HISTORY_COLUMNS, rows)


HISTORY_COLUMNS = [
    "partner_id",
    "created_at",
    "content_type_id",
    "object_id",
    "object_repr",
    "action",
    "summary",
    "changes",
]


def _webhook(due: Due, run: Run) -> tuple[int, dict]:
    return (
        due.partner_id,
        {
            "reminder": {
                "kind": due.kind,
                "title": due.title,
                "deadline": due.key.deadline.isoformat(),
                "days": due.key.days,
                "sent_on": run.today.isoformat(),
                "url": settings.SITE_URL + due.url,
            },
            **due.data,
        },
    )
