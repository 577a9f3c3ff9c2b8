"""The daily digest: one e-mail per user and day gathering the reminders they get that way,
once however often it runs; a reminder written later waits for the next day's."""

import datetime

import pytest

from portal.core.outbox.models import OutgoingMessage
from portal.reminders.models import Delivery, Digest, Kind, Preference, Recipient
from tests.reminders.conftest import (
    TERM_END,
    annual_customer,
    moment,
    reminder_mails,
    run_digest,
    run_job,
)

DAY = datetime.timedelta(days=1)
MORNING = TERM_END - 30 * DAY


def digests():
    return OutgoingMessage.objects.filter(template="reminder_digest").order_by("id")


@pytest.fixture
def digest_user(acme_admin):
    for kind in Kind:
        Preference.objects.create(user=acme_admin, kind=kind, delivery=Delivery.DIGEST)
    return acme_admin


def test_the_digest_gathers_a_days_reminders_into_one_email(acme, digest_user, price_list):
    annual_customer(acme, digest_user, "Contoso Pharmaceuticals")
    annual_customer(acme, digest_user, "Northwind Traders")
    annual_customer(acme, digest_user, "Fabrikam Logistics", ends_on=TERM_END - 23 * DAY)

    assert run_job(moment(MORNING, 0)) == 3
    for hour in range(1, 7):
        run_job(moment(MORNING, hour))
    assert not reminder_mails().exists()

    assert run_digest(moment(MORNING, 7, 0)) == 1

    [mail] = digests()
    assert mail.to == ["admin@acme.test"]
    assert mail.subject == "Your reminders of 2027-05-31: 3 reminders"
    for name, when in [
        ("Contoso Pharmaceuticals", "2027-06-30 (in 30 days)"),
        ("Northwind Traders", "2027-06-30 (in 30 days)"),
        ("Fabrikam Logistics", "2027-06-07 (in 7 days)"),
    ]:
        assert f"{name}: term ends {when}" in mail.text_body
        assert f"{name}: term ends {when}" in mail.html_body
    assert mail.text_body.count("Term ending") == 1  # one section for the kind
    assert not Recipient.objects.filter(digest__isnull=True).exists()


def test_the_digest_is_sent_once_a_day_however_often_it_runs(acme, digest_user, price_list):
    annual_customer(acme, digest_user, "Contoso Pharmaceuticals")
    run_job(moment(MORNING, 0))

    counts = [run_digest(moment(MORNING, hour, 0)) for hour in (7, 7, 8, 12, 23)]

    assert counts == [1, 0, 0, 0, 0]
    assert digests().count() == 1
    assert Digest.objects.count() == 1


def test_a_reminder_written_after_the_digest_waits_for_the_next_days(acme, digest_user, price_list):
    annual_customer(acme, digest_user, "Contoso Pharmaceuticals")
    run_job(moment(MORNING, 0))
    run_digest(moment(MORNING, 7, 0))
    # Later that day a term ending in 7 days comes in (its customer made today).
    annual_customer(acme, digest_user, "Northwind Traders", ends_on=MORNING + 7 * DAY)
    run_job(moment(MORNING, 9))

    assert run_digest(moment(MORNING, 10, 0)) == 0
    assert run_digest(moment(MORNING + DAY, 7, 0)) == 1

    first, second = digests()
    assert "Contoso Pharmaceuticals" in first.text_body
    assert "Northwind Traders" not in first.text_body
    assert "Northwind Traders" in second.text_body
    assert "Contoso Pharmaceuticals" not in second.text_body
    assert second.subject == "Your reminders of 2027-06-01: 1 reminder"


def test_no_digest_without_reminders_or_for_a_deactivated_user(acme, digest_user, price_list):
    assert run_digest(moment(MORNING, 7, 0)) == 0
    annual_customer(acme, digest_user, "Contoso Pharmaceuticals")
    run_job(moment(MORNING, 0))
    digest_user.is_active = False
    digest_user.save(update_fields=["is_active"])

    assert run_digest(moment(MORNING + DAY, 7, 0)) == 0
    assert not digests().exists()


def test_single_emails_and_the_digest_side_by_side(acme, acme_admin, price_list):
    Preference.objects.create(user=acme_admin, kind=Kind.TERM_ENDING, delivery=Delivery.DIGEST)
    annual_customer(acme, acme_admin, "Contoso Pharmaceuticals", ends_on=MORNING + 2 * DAY)

    run_job(moment(MORNING - 28 * DAY, 0))  # 30 days before: in the digest
    run_job(moment(MORNING, 0))  # the renewal deadline: an e-mail of its own

    assert [m.subject for m in reminder_mails()] == [
        "Reminder: Contoso Pharmaceuticals: last day for changes to the renewal on 2027-06-02 "
        "is 2027-06-01 (tomorrow)"
    ]
    assert run_digest(moment(MORNING, 7, 0)) == 1
    [mail] = digests()
    assert "term ends 2027-06-02 (in 30 days)" in mail.text_body
