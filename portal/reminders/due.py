"""What the reminders job asks of each kind: the keys due today (one query: those not sent
yet), then the reminders of a batch of them, read again in the batch's transaction.

A kind is an object with ``kind`` (a ``Kind``), ``keys(run)`` and ``dues(keys, run)``.
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from .models import Reminder

# A reminder whose day the job missed (no scheduler ran that day) still goes out up to this
# many days late, as long as its deadline is ahead; after that it is left out.
CATCH_UP_DAYS = 3


@dataclass(frozen=True, order=True)
class Key:
    """A reminder's unique key, its kind aside."""

    object_id: int
    deadline: datetime.date
    days: int


@dataclass
class Due:
    """One reminder to send: what it says, about what, and who it concerns."""

    kind: str
    key: Key
    partner_id: int
    company_id: int
    company_name: str
    title: str  # the e-mail's subject, the digest's line, the History Log's entry
    facts: list[tuple[str, str]]
    url: str  # the page where to act, from the site's root
    data: dict  # the webhook's ``data``
    owners: tuple = ()  # the user who submitted or saved it
    leads: tuple = ()  # the implementation lead(s)
    # The MSP's Admins get it too; otherwise only when none of the others can.
    admins: bool = False


@dataclass
class Run:
    """One run of the job: its day and moment, and what its batches look up once."""

    today: datetime.date
    now: datetime.datetime
    cache: dict = field(default_factory=dict)


def not_sent(queryset: QuerySet, kind: str) -> list[Key]:
    """The keys of ``queryset`` (annotated with ``r_deadline`` and ``r_days``) that have no
    reminder yet, in the key's order: every run takes them, and so locks them, in the same
    order, so that two runs at once wait for each other rather than deadlock."""
    sent = Reminder.objects.filter(
        kind=kind,
        object_id=OuterRef("pk"),
        deadline=OuterRef("r_deadline"),
        days=OuterRef("r_days"),
    )
    rows = queryset.filter(~Exists(sent)).order_by().values_list("pk", "r_deadline", "r_days")
    return sorted(Key(*row) for row in rows)


def company_url(company_id: int, anchor: str = "") -> str:
    # reverse() once: per reminder it would cost a batch of thousands a second.
    path = _company_path().replace(str(_PLACEHOLDER), str(company_id))
    return path + (f"#{anchor}" if anchor else "")


_PLACEHOLDER = 987654321


@functools.cache
def _company_path() -> str:
    return reverse("companies:detail", args=[_PLACEHOLDER])


def day(value: datetime.date) -> str:
    return f"{value:%Y-%m-%d}"


def in_days(value: datetime.date, today: datetime.date) -> str:
    """ "2027-06-30 (in 30 days)", "(tomorrow)", "(today)"."""
    left = (value - today).days
    when = {0: "today", 1: "tomorrow"}.get(left, f"in {left} days")
    return f"{day(value)} ({when})"


def local_day(moment: datetime.datetime) -> str:
    return day(timezone.localtime(moment))


def company_data(company) -> dict:
    return {"id": company.pk, "name": company.name}
