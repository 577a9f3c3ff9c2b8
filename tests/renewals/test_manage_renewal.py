"""Manage renewal's services: auto-renew off and on, changes scheduled for a line's renewal
(fewer seats, removed, another term), each until the product's renewal deadline, with its
History Log entry; the rules a renewal must keep; one change however often it is submitted.

Fabrikam Logistics has S1 and C1 (350 seats each) on a 1-year commitment renewing on
30 June 2027; the renewal deadline is a day before (the products' default), 29 June.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from portal.catalog.models import Product
from portal.companies.models import Agreement, AgreementLine
from portal.core.history import history_for
from portal.renewals.models import RenewalChange
from portal.renewals.services import (
    RenewalRefused,
    auto_renew_set,
    renewal_change_cancel,
    renewal_change_schedule,
)
from tests.fixtures.customers import make_customer

RENEWS = datetime.date(2027, 6, 30)
Kind = RenewalChange.Kind


def at(day: int, month: int = 6):
    return time_machine.travel(datetime.datetime(2027, month, day, 12, tzinfo=datetime.UTC))


@pytest.fixture(autouse=True)
def clock():
    with at(1) as traveller:
        yield traveller


def on_one_year(company) -> None:
    AgreementLine.objects.filter(agreement__company=company).update(
        commitment="1y", term_start=datetime.date(2026, 6, 30), term_end=RENEWS
    )


@pytest.fixture
def fabrikam(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    on_one_year(company)
    return company


def schedule(company, actor, code="S1", kind=Kind.SEATS, **values):
    return renewal_change_schedule(company=company, code=code, kind=kind, actor=actor, **values)


def scheduled(company):
    return list(
        RenewalChange.objects.filter(company=company, status="scheduled").values_list(
            "code", "kind", "seats", "commitment"
        )
    )


def test_fewer_seats_are_scheduled_for_the_lines_renewal_with_a_history_entry(fabrikam, acme_admin):
    change = schedule(fabrikam, acme_admin, seats=200)

    assert (change.renews_on, change.seats, change.created_by) == (RENEWS, 200, acme_admin)
    entry = history_for(fabrikam).first()
    assert entry.summary == "Scheduled for the renewal of S1 on 2027-06-30: 200 seats (now 350)"
    assert entry.changes == {"S1 at renewal on 2027-06-30": [None, "200 seats"]}
    assert entry.actor == acme_admin


def test_a_scheduled_change_can_be_cancelled_until_the_deadline_and_not_after(
    fabrikam, acme_admin, clock
):
    first = schedule(fabrikam, acme_admin, seats=200)
    with at(29):  # the last day
        renewal_change_cancel(change=first, actor=acme_admin)
    first.refresh_from_db()
    assert (first.status, first.cancelled_by) == ("cancelled", acme_admin)
    assert first.cancelled_at is not None
    assert history_for(fabrikam).first().summary == (
        "Cancelled for the renewal of S1 on 2027-06-30: 200 seats"
    )

    second = schedule(fabrikam, acme_admin, seats=250)
    with at(30), pytest.raises(RenewalRefused) as refused:
        renewal_change_cancel(change=second, actor=acme_admin)

    assert str(refused.value) == (
        "Changes for the renewal of S1 on 2027-06-30 could be cancelled until 2027-06-29."
    )
    second.refresh_from_db()
    assert second.status == "scheduled"


def test_a_change_after_the_deadline_is_refused_with_the_date(fabrikam, acme_admin):
    with at(30), pytest.raises(RenewalRefused) as refused:
        schedule(fabrikam, acme_admin, seats=200)

    assert str(refused.value) == (
        "Changes for the renewal of S1 on 2027-06-30 could be made until 2027-06-29."
    )
    assert not RenewalChange.objects.exists()


def test_the_vendor_sets_the_deadline_per_product(fabrikam, acme_admin):
    Product.objects.filter(code="S1").update(renewal_deadline_days=30)

    with pytest.raises(RenewalRefused, match="could be made until 2027-05-31"):
        schedule(fabrikam, acme_admin, seats=200)
    schedule(fabrikam, acme_admin, code="C1", seats=200)  # C1 keeps a day


def test_auto_renew_off_ends_the_product_and_cancels_its_changes_and_on_again(fabrikam, acme_admin):
    schedule(fabrikam, acme_admin, code="C1", seats=300)

    auto_renew_set(company=fabrikam, code="C1", on=False, actor=acme_admin)

    line = AgreementLine.objects.get(agreement__company=fabrikam, code="C1")
    assert line.auto_renew is False
    assert scheduled(fabrikam) == []
    entry = history_for(fabrikam).first()
    assert entry.summary == "Auto-renew of C1 turned off: it ends at its term end on 2027-06-30"
    assert entry.changes == {
        "C1 auto-renew": ["On", "Off"],
        "Cancelled with it": ["300 seats", None],
    }

    auto_renew_set(company=fabrikam, code="C1", on=True, actor=acme_admin)

    line.refresh_from_db()
    assert line.auto_renew is True
    entry = history_for(fabrikam).first()
    assert entry.summary == "Auto-renew of C1 turned on: it renews on 2027-06-30"


def test_auto_renew_changes_the_scheduled_version_too_and_not_after_the_deadline(
    fabrikam, acme_admin
):
    active = fabrikam.agreements.get()
    Agreement.objects.filter(pk=active.pk).update(effective_until=datetime.date(2027, 6, 10))
    downsell = Agreement.objects.create(
        company=fabrikam,
        version=2,
        status=Agreement.Status.SCHEDULED,
        total_users=200,
        currency="USD",
        effective_from=datetime.date(2027, 6, 10),
    )
    for line in active.lines.all():
        line.pk, line.agreement, line.quantity = None, downsell, 200
        line.save()

    auto_renew_set(company=fabrikam, code="C1", on=False, actor=acme_admin)

    assert list(
        AgreementLine.objects.filter(code="C1")
        .order_by("agreement__version")
        .values_list("auto_renew", flat=True)
    ) == [False, False]
    with at(30), pytest.raises(RenewalRefused, match="could be made until 2027-06-29"):
        auto_renew_set(company=fabrikam, code="C1", on=True, actor=acme_admin)


def test_a_second_change_of_a_kind_replaces_the_first(fabrikam, acme_admin):
    first = schedule(fabrikam, acme_admin, seats=200)

    second = schedule(fabrikam, acme_admin, seats=250)

    first.refresh_from_db()
    assert (first.status, first.cancelled_by) == ("cancelled", acme_admin)
    assert scheduled(fabrikam) == [("S1", "seats", 250, "")]
    assert history_for(fabrikam).first().changes == {
        "S1 at renewal on 2027-06-30": [None, "250 seats"],
        "Cancelled with it": ["200 seats", None],
    }
    assert second.pk != first.pk


def test_the_same_change_submitted_twice_makes_one_row(fabrikam, acme_admin):
    first = schedule(fabrikam, acme_admin, seats=200)
    entries = history_for(fabrikam).count()

    again = schedule(fabrikam, acme_admin, seats=200)

    assert again.pk == first.pk
    assert RenewalChange.objects.count() == 1
    assert history_for(fabrikam).count() == entries


def test_a_removal_cancels_the_other_changes_of_the_product(fabrikam, acme_admin):
    schedule(fabrikam, acme_admin, code="C1", seats=200)
    schedule(fabrikam, acme_admin, code="C1", kind=Kind.TERM, commitment="monthly")

    schedule(fabrikam, acme_admin, code="C1", kind=Kind.REMOVE)

    assert scheduled(fabrikam) == [("C1", "remove", None, "")]
    assert history_for(fabrikam).first().changes["Cancelled with it"] == [
        "200 seats, renews on a Monthly",
        None,
    ]
    with pytest.raises(RenewalRefused, match="C1 is to be removed at the renewal on 2027-06-30"):
        schedule(fabrikam, acme_admin, code="C1", seats=100)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"seats": 350}, "seats", "Enter fewer than the 350 seats S1 has now"),
        ({"seats": 400}, "seats", "Enter fewer than the 350 seats S1 has now"),
        ({"seats": 0}, "seats", "Enter at least 1 seat."),
        ({"seats": None}, "seats", "Enter at least 1 seat."),
        (
            {"kind": Kind.TERM, "commitment": "1y"},
            "commitment",
            "S1 is on a 1-year commitment already: choose another term.",
        ),
        (
            {"kind": Kind.TERM, "commitment": "3y"},
            "commitment",
            "S1 is offered on: Monthly, 1-year commitment.",
        ),
        ({"kind": "upgrade"}, "kind", "Choose one of: seats, remove, term."),
        ({"code": "A1"}, "code", "Not a product Fabrikam Logistics has: choose one of S1, C1."),
    ],
)
def test_what_a_change_cannot_be_is_said_next_to_its_field(
    fabrikam, acme_admin, values, field, message
):
    with pytest.raises(ValidationError) as refused:
        schedule(fabrikam, acme_admin, **values)

    assert message in refused.value.message_dict[field][0]
    assert not RenewalChange.objects.exists()


def test_a_change_of_term_renews_on_a_term_the_product_offers(fabrikam, acme_admin):
    change = schedule(fabrikam, acme_admin, kind=Kind.TERM, commitment="monthly")

    assert change.describe() == "renews on a Monthly"
    assert history_for(fabrikam).first().summary == (
        "Scheduled for the renewal of S1 on 2027-06-30: renews on a Monthly "
        "(now a 1-year commitment)"
    )


def test_a_line_without_auto_renew_or_a_one_time_charge_has_no_renewal_to_change(
    acme, acme_admin, price_list
):
    company = make_customer(acme, acme_admin, "Tailwind", {"S1": 50, "OB1": 1}, 50)
    AgreementLine.objects.filter(code="S1").update(
        commitment="1y", term_end=RENEWS, auto_renew=False
    )

    with pytest.raises(RenewalRefused, match="OB1 is a one-time charge: it has no renewal."):
        schedule(company, acme_admin, code="OB1", kind=Kind.REMOVE)
    with pytest.raises(RenewalRefused, match="OB1 is a one-time charge"):
        auto_renew_set(company=company, code="OB1", on=False, actor=acme_admin)
    with pytest.raises(RenewalRefused, match=r"S1 ends at its term end on 2027-06-30 \(auto"):
        schedule(company, acme_admin, code="S1", seats=20)


def test_a_primary_cannot_go_while_an_add_on_still_needs_it(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Tailwind", {"S1": 50, "A1": 20}, 50)
    on_one_year(company)

    with pytest.raises(ValidationError) as refused:
        schedule(company, acme_admin, code="S1", kind=Kind.REMOVE)
    assert refused.value.messages == [
        "A1 can only be added to S1 or S2, which would not be renewed on 2027-06-30: remove A1 "
        "at renewal first, or keep S1 or S2."
    ]
    with pytest.raises(ValidationError, match="A1 can only be added to S1 or S2"):
        auto_renew_set(company=company, code="S1", on=False, actor=acme_admin)

    # The add-on first, then its primary: the customer ends with nothing (a former customer).
    a1 = schedule(company, acme_admin, code="A1", kind=Kind.REMOVE)
    schedule(company, acme_admin, code="S1", kind=Kind.REMOVE)
    assert len(scheduled(company)) == 2
    # Cancelling the add-on's removal would leave it without S1: refused.
    with pytest.raises(ValidationError, match="A1 can only be added to S1 or S2"):
        renewal_change_cancel(change=a1, actor=acme_admin)


def test_an_add_on_with_its_own_seats_stays_within_the_permitted_users(
    acme, acme_admin, price_list
):
    company = make_customer(acme, acme_admin, "Tailwind", {"S1": 50, "A1": 40}, 50)
    on_one_year(company)

    with pytest.raises(ValidationError) as refused:
        schedule(company, acme_admin, code="S1", seats=30)
    assert refused.value.messages == [
        "A1 would keep 40 seats, more than the 30 permitted users after the renewal on "
        "2027-06-30: schedule fewer A1 seats first."
    ]

    schedule(company, acme_admin, code="A1", seats=25)
    schedule(company, acme_admin, code="S1", seats=30)
    assert sorted(scheduled(company)) == [("A1", "seats", 25, ""), ("S1", "seats", 30, "")]


def test_a_change_of_another_state_cannot_be_cancelled(fabrikam, acme_admin):
    change = schedule(fabrikam, acme_admin, seats=200)
    renewal_change_cancel(change=change, actor=acme_admin)

    with pytest.raises(RenewalRefused, match="This change was cancelled already."):
        renewal_change_cancel(change=change, actor=acme_admin)
    RenewalChange.objects.filter(pk=change.pk).update(status="applied")
    with pytest.raises(RenewalRefused, match="applied at the renewal on 2027-06-30"):
        renewal_change_cancel(change=change, actor=acme_admin)
