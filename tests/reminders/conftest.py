"""Reminders' shared helpers: customers on a 1-year commitment ending on a given day, the job
run at a given moment, and the e-mails it queued."""

import datetime

import pytest
import time_machine

from portal.companies.models import Company
from portal.core.outbox.models import OutgoingMessage
from portal.reminders.digest import digests_send
from portal.reminders.send import reminders_send
from tests.fixtures.customers import make_customer

UTC = datetime.UTC
TERM_END = datetime.date(2027, 6, 30)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)


def moment(day: datetime.date, hour: int = 0, minute: int = 5) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def run_job(when: datetime.datetime) -> int:
    with at(when):
        return reminders_send()


def run_digest(when: datetime.datetime) -> int:
    with at(when):
        return digests_send()


def on_term(company: Company, ends_on: datetime.date, *, auto_renew=True, commitment="1y"):
    """Put the customer's lines on a commitment term ending ``ends_on``, as a confirmed
    order leaves them, with the figures the version moves keep."""
    agreement = company.agreements.get()
    agreement.lines.update(
        commitment=commitment,
        term_start=ends_on.replace(year=ends_on.year - 1),
        term_end=ends_on,
        auto_renew=auto_renew,
    )
    Company.objects.filter(pk=company.pk).update(commitment_ends_on=ends_on, renews_on=ends_on)
    company.refresh_from_db()
    return company


def annual_customer(partner, lead, name, ends_on=TERM_END, seats=350, **term):
    return on_term(make_customer(partner, lead, name, {"S1": seats}, seats), ends_on, **term)


def reminder_mails(**filters):
    return OutgoingMessage.objects.filter(template="reminder", **filters).order_by("id")


@pytest.fixture
def contoso(acme, acme_admin, price_list):
    return annual_customer(acme, acme_admin, "Contoso Pharmaceuticals")


@pytest.fixture
def globex_prices(globex, catalog):
    """Globex buys S1 too, at its own price."""
    from tests.fixtures.factories import set_prices

    set_prices(globex, catalog["S1"], [(1, "3.00")])
