"""The daily digest: one e-mail per user and day gathering the reminders of the kinds they get
as a digest, not yet in one (those the reminders job wrote since the last digest).

Once per user and day, however often it runs: a ``Digest`` row per (user, day) is inserted
with ON CONFLICT DO NOTHING and only the rows this run inserted (read back by its ``run`` id)
claim the user's waiting reminders, in one UPDATE, and are e-mailed. A reminder written while
the digest runs waits for the next day's.
"""

import datetime
import uuid
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from portal.core.outbox import Mail, messages_queue

from .models import Digest, Kind, Recipient

BATCH = 500  # users per transaction


def digests_send(today: datetime.date | None = None, *, batch: int = BATCH) -> int:
    """Queue today's digest of every user with reminders waiting for one; how many."""
    today = today or timezone.localdate()
    waiting = sorted(
        set(
            Recipient.objects.filter(digest__isnull=True, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    )
    sent = 0
    for start in range(0, len(waiting), batch):
        with transaction.atomic():
            sent += _batch(waiting[start : start + batch], today)
    return sent


def _batch(users: list[int], today: datetime.date) -> int:
    run = uuid.uuid4()
    Digest.objects.bulk_create(
        [Digest(user_id=user, day=today, run=run) for user in users], ignore_conflicts=True
    )
    mine = Digest.objects.filter(run=run)
    if not mine.exists():
        return 0
    own = mine.filter(user_id=OuterRef("user_id")).values("pk")[:1]
    Recipient.objects.filter(digest__isnull=True, user_id__in=mine.values("user_id")).update(
        digest_id=Subquery(own)
    )
    items = (
        Recipient.objects.filter(digest__run=run)
        .select_related("reminder", "user")
        .order_by("user_id", "reminder__kind", "reminder__deadline", "reminder_id")
    )
    mails = []
    preferences_url = settings.SITE_URL + reverse("reminders:preferences")
    for _, rows in groupby(items, key=lambda row: row.user_id):
        rows = list(rows)
        user = rows[0].user
        reminders = [row.reminder for row in rows]
        sections = [
            (Kind(kind).label, [_item(r) for r in group])
            for kind, group in groupby(reminders, key=lambda r: r.kind)
        ]
        mails.append(
            Mail(
                template="reminder_digest",
                to=[user.email],
                context={
                    "day": today,
                    "count": len(reminders),
                    "sections": sections,
                    "preferences_url": preferences_url,
                },
                partner_id=user.partner_id,
            )
        )
    messages_queue(mails)
    return len(mails)


def _item(reminder) -> dict:
    return {
        "title": reminder.title,
        "facts": reminder.facts,
        "url": settings.SITE_URL + reminder.url,
    }
