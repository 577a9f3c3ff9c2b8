"""What waits for someone at the MSP: a downsell's cancel deadline in 2 days, a saved change
quote about to expire, an RFI not answered after 3 days, a saved order not submitted after
14 days: each reminded once per deadline, to the people it concerns."""

import datetime
import uuid

import pytest

from portal.accounts.models import User
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company
from portal.orders.models import Order
from portal.reminders.models import Kind, Reminder
from portal.rfi.models import InformationRequest
from tests.fixtures.clock import made_on
from tests.fixtures.factories import make_company, make_user
from tests.reminders.conftest import UTC, moment, reminder_mails, run_job

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
CANCEL_BY = datetime.date(2027, 3, 10)
SENT = datetime.datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
_clock = made_on(datetime.datetime(2027, 2, 15, 12, tzinfo=UTC))


@pytest.fixture
def lead(acme):
    return make_user(acme, email="lead@acme.test", lead=True, full_name="Lena Lead")


@pytest.fixture
def sales(acme):
    return make_user(acme, email="sales@acme.test", full_name="Sam Sales")


def downsell(company, submitter, *, cancel_by=CANCEL_BY, status=Agreement.Status.SCHEDULED):
    prior = company.agreements.get(status=Agreement.Status.ACTIVE)
    effective_on = cancel_by + 3 * DAY
    if status == Agreement.Status.SCHEDULED:
        # The version in effect stops on its date first: the two never overlap.
        Agreement.objects.filter(pk=prior.pk).update(effective_until=effective_on)
    agreement = Agreement.objects.create(
        company=company,
        version=2,
        status=status,
        total_users=200,
        currency="USD",
        effective_from=effective_on,
    )
    return ChangeOrder.objects.create(
        company=company,
        prior=prior,
        seats=200,
        kind=ChangeOrder.Kind.DOWNSELL,
        currency="USD",
        status=ChangeOrder.Status.SUBMITTED,
        agreement=agreement,
        idempotency_key=uuid.uuid4(),
        submitted_at=SENT,
        submitted_by=submitter,
        created_by=submitter,
        effective_on=effective_on,
        cancel_by=cancel_by,
    )


def quote(company, saver, lead, valid_until) -> ChangeOrder:
    return ChangeOrder.objects.create(
        company=company,
        prior=company.agreements.get(status=Agreement.Status.ACTIVE),
        seats=400,
        kind=ChangeOrder.Kind.UPSELL,
        currency="USD",
        created_by=saver,
        implementation_lead=lead,
        valid_until=valid_until,
    )


def rfi(partner, lead, sender, sent_at=SENT) -> InformationRequest:
    company = make_company(
        partner, "Litware Inc", status=Company.Status.IN_PROGRESS, implementation_lead=lead
    )
    return InformationRequest.objects.create(
        company=company, sent_to=lead.email, sent_at=sent_at, sent_by=sender
    )


def saved_order(partner, lead, saver, saved_at=SENT) -> Order:
    company = make_company(partner, "Tailspin Toys", implementation_lead=lead)
    return Order.objects.create(company=company, saved_by=saver, saved_at=saved_at)


def days_of(kind) -> list:
    rows = Reminder.objects.filter(kind=kind).order_by("id")
    return list(rows.values_list("deadline", "days", "sent_on"))


# -- Downsell cancel deadline ----------------------------------------------------------------


def test_a_downsell_cancel_deadline_is_reminded_2_days_ahead_once(contoso, sales, lead, acme_admin):
    Company.objects.filter(pk=contoso.pk).update(implementation_lead=lead)
    change = downsell(contoso, sales)

    counts = [
        run_job(moment(CANCEL_BY - n * DAY, hour)) for n in (4, 3, 2, 1, 0) for hour in (0, 12)
    ]

    assert counts == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    assert days_of(Kind.DOWNSELL_DEADLINE) == [(CANCEL_BY, 2, CANCEL_BY - 2 * DAY)]
    [mail] = reminder_mails()
    # The submitter, the implementation lead and the MSP's Admins.
    assert mail.to == ["admin@acme.test", "lead@acme.test", "sales@acme.test"]
    assert mail.subject == (
        "Reminder: Contoso Pharmaceuticals: the downsell to 200 seats can be cancelled until "
        "2027-03-10 (in 2 days)"
    )
    assert "Seats: 350 → 200" in mail.text_body
    assert f"#agreement-{change.agreement.version}" in mail.text_body


def test_a_downsell_pending_with_the_vendor_is_reminded_too_and_a_cancelled_one_is_not(
    acme, acme_admin, price_list
):
    from tests.reminders.conftest import annual_customer

    pending = annual_customer(acme, acme_admin, "Pending Downsell")
    downsell(pending, acme_admin, status=Agreement.Status.DOWNSELL_PENDING)
    cancelled = annual_customer(acme, acme_admin, "Cancelled Downsell")
    downsell(cancelled, acme_admin, status=Agreement.Status.CANCELLED)

    run_job(moment(CANCEL_BY - 2 * DAY))

    assert list(Reminder.objects.values_list("company__name", flat=True)) == ["Pending Downsell"]


def test_a_downsell_submitted_a_day_before_its_deadline_is_reminded_at_once(contoso, sales):
    downsell(contoso, sales)

    assert run_job(moment(CANCEL_BY - DAY)) == 1
    assert run_job(moment(CANCEL_BY)) == 0


# -- Saved quote about to expire --------------------------------------------------------------


def test_a_saved_quote_is_reminded_3_days_before_it_expires_to_who_saved_it_and_its_lead(
    contoso, sales, lead
):
    valid_until = datetime.date(2027, 4, 30)
    saved = quote(contoso, sales, lead, valid_until)

    counts = [run_job(moment(valid_until - n * DAY)) for n in (5, 4, 3, 2, 1, 0)]

    assert counts == [0, 0, 1, 0, 0, 0]
    [mail] = reminder_mails()
    assert mail.to == ["lead@acme.test", "sales@acme.test"]
    assert mail.subject == (
        "Reminder: Contoso Pharmaceuticals: the saved upsell quote is valid until 2027-04-30 "
        "(in 3 days)"
    )
    assert f"/changes/{saved.pk}/" in mail.text_body


def test_a_quote_saved_by_someone_who_left_goes_to_the_admins(contoso, sales):
    valid_until = datetime.date(2027, 4, 30)
    quote(contoso, sales, None, valid_until)
    User.objects.filter(pk=sales.pk).update(is_active=False)

    run_job(moment(valid_until - 3 * DAY))

    assert [m.to for m in reminder_mails()] == [["admin@acme.test"]]


def test_a_quote_deleted_or_saved_again_with_a_later_expiry_is_not_reminded(contoso, sales, lead):
    valid_until = datetime.date(2027, 4, 30)
    quote(contoso, sales, lead, valid_until).delete()
    later = quote(contoso, sales, lead, valid_until)
    ChangeOrder.objects.filter(pk=later.pk).update(valid_until=valid_until + 30 * DAY)

    assert run_job(moment(valid_until - 3 * DAY)) == 0


# -- RFI not answered ----------------------------------------------------------------------


def test_an_rfi_not_answered_after_3_days_is_reminded_once(acme, acme_admin, lead, sales):
    request = rfi(acme, lead, sales)

    counts = [
        run_job(SENT + 3 * DAY - HOUR),
        run_job(SENT + 3 * DAY + HOUR),
        run_job(SENT + 3 * DAY + 2 * HOUR),
        run_job(SENT + 4 * DAY),
    ]

    assert counts == [0, 1, 0, 0]
    assert days_of(Kind.RFI_UNANSWERED) == [(SENT.date(), 3, datetime.date(2027, 3, 4))]
    [mail] = reminder_mails()
    assert mail.to == ["lead@acme.test", "sales@acme.test"]
    assert mail.subject == (
        "Reminder: Litware Inc: the Request for Information sent 2027-03-01 is not answered"
    )
    assert f"/companies/{request.company_id}/#rfi" in mail.text_body


def test_an_rfi_sent_again_is_reminded_again_3_days_later(acme, acme_admin, lead, sales):
    request = rfi(acme, lead, sales)
    run_job(SENT + 3 * DAY + HOUR)
    resent = SENT + 5 * DAY
    InformationRequest.objects.filter(pk=request.pk).update(sent_at=resent)

    assert run_job(resent + 3 * DAY + HOUR) == 1
    assert [d for d, _, _ in days_of(Kind.RFI_UNANSWERED)] == [SENT.date(), resent.date()]


def test_an_answered_rfi_and_one_long_forgotten_are_not_reminded(acme, acme_admin, lead, sales):
    answered = rfi(acme, lead, sales)
    InformationRequest.objects.filter(pk=answered.pk).update(
        status=InformationRequest.Status.SUBMITTED
    )
    assert run_job(SENT + 3 * DAY + HOUR) == 0
    InformationRequest.objects.filter(pk=answered.pk).update(status=InformationRequest.Status.SENT)
    # The job did not run for more than the catch-up days after the RFI was due.
    assert run_job(SENT + 7 * DAY) == 0


# -- Saved order not submitted ---------------------------------------------------------------


def test_a_saved_order_not_submitted_after_14_days_is_reminded_once(acme, acme_admin, lead, sales):
    order = saved_order(acme, lead, sales)

    counts = [run_job(SENT + n * DAY + HOUR) for n in (13, 14, 15, 16)]

    assert counts == [0, 1, 0, 0]
    [mail] = reminder_mails()
    assert mail.to == ["lead@acme.test", "sales@acme.test"]
    assert mail.subject == ("Reminder: Tailspin Toys: the order saved 2027-03-01 is not submitted")
    assert f"/orders/{order.company_id}/" in mail.text_body


def test_an_order_saved_again_is_reminded_14_days_after_the_new_save(acme, acme_admin, lead):
    order = saved_order(acme, lead, lead)
    run_job(SENT + 14 * DAY + HOUR)
    again = SENT + 20 * DAY
    Order.objects.filter(pk=order.pk).update(saved_at=again)

    assert run_job(again + 14 * DAY + HOUR) == 1
    assert Reminder.objects.filter(kind=Kind.ORDER_NOT_SUBMITTED).count() == 2


def test_an_order_whose_company_is_no_longer_a_prospect_is_not_reminded(acme, acme_admin, lead):
    order = saved_order(acme, lead, lead)
    Company.objects.filter(pk=order.company_id).update(status=Company.Status.IN_PROGRESS)

    assert run_job(SENT + 14 * DAY + HOUR) == 0
