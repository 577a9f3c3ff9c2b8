"""A customer's commitment term: reminders at 60, 30 and 7 days before it ends (or the MSP's
own days) and 2 days before its renewal deadline, each sent once however often the job runs,
saying what renews, at what seats, with auto-renew on or off and the last day for changes."""

import datetime

from portal.reminders.models import Kind, Reminder, TermDays
from portal.reminders.send import reminders_send
from portal.renewals.models import RenewalChange
from tests.fixtures.customers import make_customer
from tests.reminders.conftest import (
    TERM_END,
    annual_customer,
    at,
    moment,
    on_term,
    reminder_mails,
    run_job,
)

DAY = datetime.timedelta(days=1)


def every_six_hours(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        for hour in (0, 6, 12, 18):
            yield moment(day, hour)
        day += DAY


def sent(kind=Kind.TERM_ENDING, **filters) -> list[tuple]:
    return list(
        Reminder.objects.filter(kind=kind, **filters)
        .order_by("sent_on")
        .values_list("days", "sent_on")
    )


def test_a_term_is_reminded_60_30_and_7_days_before_it_ends_once_each(contoso):
    runs = [run_job(when) for when in every_six_hours(TERM_END - 70 * DAY, TERM_END)]

    assert sent() == [
        (60, TERM_END - 60 * DAY),
        (30, TERM_END - 30 * DAY),
        (7, TERM_END - 7 * DAY),
    ]
    # And the renewal deadline (S1's default: a day before the term ends) 2 days ahead.
    assert sent(Kind.RENEWAL_DEADLINE) == [(2, TERM_END - 3 * DAY)]
    assert sum(runs) == 4
    subjects = [m.subject for m in reminder_mails()]
    assert subjects == [
        "Reminder: Contoso Pharmaceuticals: term ends 2027-06-30 (in 60 days)",
        "Reminder: Contoso Pharmaceuticals: term ends 2027-06-30 (in 30 days)",
        "Reminder: Contoso Pharmaceuticals: term ends 2027-06-30 (in 7 days)",
        "Reminder: Contoso Pharmaceuticals: last day for changes to the renewal on 2027-06-30 is "
        "2027-06-29 (in 2 days)",
    ]


def test_the_reminder_says_what_renews_at_what_seats_auto_renew_and_the_last_day(
    acme, acme_admin, price_list, catalog
):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    on_term(company, TERM_END)
    company.agreements.get().lines.filter(code="C1").update(auto_renew=False)
    RenewalChange.objects.create(
        company=company,
        product=catalog["S1"],
        code="S1",
        renews_on=TERM_END,
        kind=RenewalChange.Kind.SEATS,
        seats=200,
    )

    assert run_job(moment(TERM_END - 30 * DAY)) == 1

    [mail] = reminder_mails()
    assert mail.to == ["admin@acme.test"]
    assert "Term ends: 2027-06-30 (in 30 days)" in mail.text_body
    assert (
        "S1 Email Security Cloud Gateway: renews at 350 → 200 seats (scheduled), "
        "1-year commitment, auto-renew on" in mail.text_body
    )
    assert "C1 Continuity: 350 seats, auto-renew off: it ends on 2027-06-30" in mail.text_body
    assert "Last day for changes: 2027-06-29 (in 29 days)" in mail.text_body
    assert f"/companies/{company.pk}/#agreements" in mail.text_body
    assert "350 → 200 seats (scheduled)" in mail.html_body


def test_each_msp_chooses_its_own_days(
    acme, globex, acme_admin, outsider, price_list, globex_prices
):
    TermDays.objects.create(partner=acme, days=[45, 10])
    contoso = annual_customer(acme, acme_admin, "Contoso Pharmaceuticals")
    globex_customer = annual_customer(globex, outsider, "Globex Customer")

    for when in every_six_hours(TERM_END - 70 * DAY, TERM_END - DAY):
        run_job(when)

    assert sent(company=contoso) == [(45, TERM_END - 45 * DAY), (10, TERM_END - 10 * DAY)]
    assert sent(company=globex_customer) == [
        (60, TERM_END - 60 * DAY),
        (30, TERM_END - 30 * DAY),
        (7, TERM_END - 7 * DAY),
    ]


def test_a_day_the_job_missed_is_made_up_until_the_next_reminder_is_due(contoso):
    # No run from 31 to 28 days before: the 30-day reminder goes out 28 days before.
    run_job(moment(TERM_END - 28 * DAY))
    # A week without a run around the 7 days: too late for the 7-day one (5 days at most).
    run_job(moment(TERM_END - 4 * DAY))

    assert sent() == [(30, TERM_END - 28 * DAY)]


def test_the_first_run_sends_only_the_reminder_due_now_not_the_earlier_ones(contoso):
    run_job(moment(TERM_END - 6 * DAY))

    assert sent() == [(7, TERM_END - 6 * DAY)]


def test_a_new_term_end_gets_its_own_reminders(contoso):
    run_job(moment(TERM_END - 30 * DAY))
    renewed = TERM_END.replace(year=2028)
    on_term(contoso, renewed)
    run_job(moment(renewed - 30 * DAY))

    assert list(Reminder.objects.filter(kind=Kind.TERM_ENDING).values_list("deadline", "days")) == [
        (renewed, 30),
        (TERM_END, 30),
    ]


def test_monthly_terms_and_companies_not_complete_get_no_term_reminder(
    acme, acme_admin, price_list
):
    annual_customer(acme, acme_admin, "Monthly Customer", commitment="monthly")
    # A monthly term never sets commitment_ends_on (the version moves keep it for 1y and 3y).
    from portal.companies.models import Company

    Company.objects.filter(name="Monthly Customer").update(commitment_ends_on=None)
    former = annual_customer(acme, acme_admin, "Former Customer")
    Company.objects.filter(pk=former.pk).update(status=Company.Status.FORMER)

    with at(moment(TERM_END - 30 * DAY)):
        assert reminders_send() == 0
