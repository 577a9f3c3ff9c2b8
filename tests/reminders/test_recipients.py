"""Who gets a reminder: the people it concerns, as each chose in their preferences (an e-mail
each, the daily digest, or none); active users only; never another MSP's."""

import datetime

from portal.accounts.models import User
from portal.companies.models import Company
from portal.reminders.models import Delivery, Kind, Preference, Recipient, Reminder
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.fixtures.factories import make_user
from tests.reminders.conftest import TERM_END, annual_customer, moment, reminder_mails, run_job

DUE = moment(TERM_END - datetime.timedelta(days=30))


def test_the_implementation_lead_and_the_admins_get_a_term_reminder_and_sales_do_not(
    acme, acme_admin, price_list
):
    lead = make_user(acme, email="lead@acme.test", lead=True)
    make_user(acme, email="sales@acme.test")
    make_user(acme, email="second-admin@acme.test", role=User.Role.ADMIN)
    annual_customer(acme, lead, "Contoso Pharmaceuticals")

    run_job(DUE)

    [mail] = reminder_mails()
    assert mail.to == ["admin@acme.test", "lead@acme.test", "second-admin@acme.test"]
    assert mail.partner_id == acme.pk


def test_a_kind_turned_off_is_not_sent_and_one_chosen_as_digest_waits_for_the_digest(
    acme, acme_admin, price_list
):
    lead = make_user(acme, email="lead@acme.test", lead=True)
    annual_customer(acme, lead, "Contoso Pharmaceuticals")
    Preference.objects.create(user=acme_admin, kind=Kind.TERM_ENDING, delivery=Delivery.OFF)
    Preference.objects.create(user=lead, kind=Kind.TERM_ENDING, delivery=Delivery.DIGEST)

    assert run_job(DUE) == 1

    assert not reminder_mails().exists()
    [copy] = Recipient.objects.all()
    assert (copy.user, copy.digest) == (lead, None)


def test_a_preference_of_another_kind_does_not_change_this_one(acme, acme_admin, price_list):
    annual_customer(acme, acme_admin, "Contoso Pharmaceuticals")
    Preference.objects.create(user=acme_admin, kind=Kind.QUOTE_EXPIRING, delivery=Delivery.OFF)

    run_job(DUE)

    assert [m.to for m in reminder_mails()] == [["admin@acme.test"]]


def test_deactivated_users_get_nothing(acme, acme_admin, price_list):
    lead = make_user(acme, email="lead@acme.test", lead=True, is_active=False)
    make_user(acme, email="former-admin@acme.test", role=User.Role.ADMIN, is_active=False)
    annual_customer(acme, lead, "Contoso Pharmaceuticals")

    run_job(DUE)

    assert [m.to for m in reminder_mails()] == [["admin@acme.test"]]


def test_another_msps_users_and_endpoints_never_get_one(
    acme, acme_admin, globex, outsider, price_list
):
    company = annual_customer(acme, acme_admin, "Contoso Pharmaceuticals")
    # Even should the data name another MSP's user as its lead.
    Company.objects.filter(pk=company.pk).update(implementation_lead=outsider)
    WebhookEndpoint.objects.create(
        partner=globex, url="https://hooks.example/globex", events=["renewal.upcoming"]
    )

    assert run_job(DUE) == 1

    assert [m.to for m in reminder_mails()] == [["admin@acme.test"]]
    assert not Recipient.objects.filter(user=outsider).exists()
    assert not WebhookDelivery.objects.exists()
    assert Reminder.objects.get().partner == acme


def test_with_no_one_to_tell_the_reminder_is_still_kept_once_with_its_history(
    acme, acme_admin, price_list
):
    company = annual_customer(acme, acme_admin, "Contoso Pharmaceuticals")
    Preference.objects.create(user=acme_admin, kind=Kind.TERM_ENDING, delivery=Delivery.OFF)

    assert run_job(DUE) == 1
    assert run_job(DUE) == 0

    assert not reminder_mails().exists()
    from portal.core.history import history_for

    [entry] = [e for e in history_for(company) if e.action == "reminder"]
    assert entry.summary.endswith("not sent: those concerned turned it off")
