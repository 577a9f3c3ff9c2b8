"""A downsell takes effect at the next billing date and can be cancelled until the deadline
(that date minus the partner's notice days); cancelling restores the version before it."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from portal.changes.downsell import CannotCancel, downsell_cancel
from portal.changes.models import ChangeOrder
from portal.companies.billing import add_months, downsell_dates, first_of_next_month
from portal.companies.lifecycle import agreement_confirm, change_options_state
from portal.companies.models import Agreement
from portal.core.history import history_for

from .test_lifecycle_sync import make_catalog, make_customer, statuses, submit_change

D = datetime.date
BILLING = D(2026, 12, 1)
DEADLINE = D(2026, 11, 28)  # three notice days before


@pytest.fixture(autouse=True)
def before_the_billing_date():
    """The vendor confirms before the billing date (what is in effect depends on the day)."""
    with time_machine.travel(datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.UTC)):
        yield


# Billing dates


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 1), (D(2026, 12, 1), D(2026, 11, 28))),
        # The deadline day itself still counts.
        (D(2026, 11, 28), (D(2026, 12, 1), D(2026, 11, 28))),
        # The day after: the billing date after, with its own deadline.
        (D(2026, 11, 29), (D(2027, 1, 1), D(2026, 12, 29))),
        (D(2026, 12, 1), (D(2027, 1, 1), D(2026, 12, 29))),
    ],
)
def test_downsell_takes_effect_at_the_billing_date_whose_deadline_is_ahead(today, expected):
    assert downsell_dates(next_billing_date=BILLING, notice_days=3, today=today) == expected


@pytest.mark.parametrize(
    ("billing", "today", "expected"),
    [
        # The 31st moves to the last day of a shorter month…
        (D(2027, 1, 31), D(2027, 1, 30), (D(2027, 2, 28), D(2027, 2, 25))),
        # …29 February in a leap year…
        (D(2028, 1, 31), D(2028, 1, 30), (D(2028, 2, 29), D(2028, 2, 26))),
        # …and the deadline crosses a month end backwards.
        (D(2028, 3, 2), D(2028, 2, 25), (D(2028, 3, 2), D(2028, 2, 28))),
        (D(2028, 3, 2), D(2028, 3, 1), (D(2028, 4, 2), D(2028, 3, 30))),
        # Across the year end.
        (D(2026, 12, 15), D(2026, 12, 14), (D(2027, 1, 15), D(2027, 1, 12))),
    ],
)
def test_the_billing_date_after_clamps_to_the_month_end(billing, today, expected):
    assert downsell_dates(next_billing_date=billing, notice_days=3, today=today) == expected


def test_a_stale_billing_date_rolls_forward_keeping_its_day():
    # Billing on the 31st, last recorded in January; today is mid-April.
    assert downsell_dates(
        next_billing_date=D(2027, 1, 31), notice_days=3, today=D(2027, 4, 10)
    ) == (D(2027, 4, 30), D(2027, 4, 27))
    assert downsell_dates(
        next_billing_date=D(2027, 1, 31), notice_days=3, today=D(2027, 4, 28)
    ) == (D(2027, 5, 31), D(2027, 5, 28))


def test_without_a_billing_date_billing_starts_on_the_first_of_next_month():
    assert downsell_dates(next_billing_date=None, notice_days=3, today=D(2026, 11, 20)) == (
        D(2026, 12, 1),
        D(2026, 11, 28),
    )
    assert downsell_dates(next_billing_date=None, notice_days=3, today=D(2026, 11, 29)) == (
        D(2027, 1, 1),
        D(2026, 12, 29),
    )


def test_zero_notice_days_allow_cancelling_until_the_billing_date_itself():
    assert downsell_dates(next_billing_date=BILLING, notice_days=0, today=BILLING) == (
        BILLING,
        BILLING,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2026, 5, 31), 1, D(2026, 6, 30)),
        (D(2026, 11, 15), 14, D(2028, 1, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_first_of_next_month():
    assert first_of_next_month(D(2026, 12, 31)) == D(2027, 1, 1)
    assert first_of_next_month(D(2028, 2, 29)) == D(2028, 3, 1)


# Cancelling


@pytest.fixture
def catalog(acme):
    return make_catalog(acme)


@pytest.fixture
def fabrikam(acme, acme_admin, catalog):
    return make_customer(acme, acme_admin)


def downsell_of(company, actor, *, effective_on=BILLING, cancel_by=DEADLINE):
    """The seeds' downsell, 350 → 200 on S1 and C1."""
    return submit_change(
        company,
        actor,
        {"S1": 200, "C1": 200},
        200,
        ChangeOrder.Kind.DOWNSELL,
        effective_on=effective_on,
        cancel_by=cancel_by,
    )


def test_a_pending_downsell_can_be_cancelled_on_its_deadline_day(fabrikam, acme_sales, acme_admin):
    downsell = downsell_of(fabrikam, acme_admin)

    result = downsell_cancel(agreement=downsell, actor=acme_sales, today=DEADLINE)

    assert result.status == Agreement.Status.CANCELLED
    assert result.reason == "Cancelled by sales@acme.test"
    assert statuses(fabrikam) == {1: "active", 2: "cancelled"}
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 350
    summaries = [entry.summary for entry in history_for(fabrikam)]
    assert (
        "Downsell cancelled: agreement version 2 (200 seats) will not take effect; "
        "version 1 (350 seats) stays in effect"
    ) in summaries
    entry = history_for(fabrikam).get(summary__startswith="Downsell cancelled")
    assert entry.actor == acme_sales


def test_a_downsell_cannot_be_cancelled_the_day_after_its_deadline(fabrikam, acme_admin):
    downsell = downsell_of(fabrikam, acme_admin, cancel_by=D(2026, 11, 27))

    with pytest.raises(CannotCancel) as refused:
        downsell_cancel(agreement=downsell, actor=acme_admin, today=D(2026, 11, 28))

    assert str(refused.value) == (
        "The deadline to cancel was 2026-11-27 (4 days before the billing date 2026-12-01)."
    )
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}


def test_a_synced_downsell_can_be_cancelled_until_it_takes_effect(fabrikam, acme_admin, staff):
    downsell = downsell_of(fabrikam, acme_admin)
    agreement_confirm(agreement=downsell, actor=staff)
    assert statuses(fabrikam) == {1: "active", 2: "scheduled"}
    assert fabrikam.agreements.get(version=1).effective_until == BILLING

    downsell_cancel(agreement=downsell, actor=acme_admin, today=D(2026, 11, 20))

    # The version in effect stays in effect, with no end.
    assert statuses(fabrikam) == {1: "active", 2: "cancelled"}
    assert fabrikam.agreements.get(version=1).effective_until is None
    entry = history_for(fabrikam).get(summary__startswith="Downsell cancelled")
    assert entry.changes == {
        "Agreement version 2": ["Scheduled", "Cancelled"],
        "Agreement version 1 in effect until": ["2026-12-01", None],
    }


def test_a_downsell_in_effect_cannot_be_cancelled(fabrikam, acme_admin, staff):
    downsell = downsell_of(fabrikam, acme_admin, cancel_by=None)
    agreement_confirm(agreement=downsell, actor=staff)

    with pytest.raises(CannotCancel, match="This downsell took effect on 2026-12-01"):
        downsell_cancel(agreement=downsell, actor=acme_admin, today=BILLING)


def test_only_a_downsell_can_be_cancelled(fabrikam, acme_admin):
    upsell = submit_change(
        fabrikam, acme_admin, {"S1": 400, "C1": 400}, 400, ChangeOrder.Kind.UPSELL
    )

    with pytest.raises(CannotCancel, match="only a downsell can be cancelled"):
        downsell_cancel(agreement=upsell, actor=acme_admin, today=DEADLINE)
    with pytest.raises(CannotCancel, match="only a downsell can be cancelled"):
        downsell_cancel(agreement=fabrikam.agreements.get(version=1), actor=acme_admin)


def test_a_downsell_is_cancelled_once(fabrikam, acme_admin):
    downsell = downsell_of(fabrikam, acme_admin)
    downsell_cancel(agreement=downsell, actor=acme_admin, today=DEADLINE)

    with pytest.raises(CannotCancel, match="cancelled already"):
        downsell_cancel(agreement=downsell, actor=acme_admin, today=DEADLINE)


def test_a_rejected_downsell_has_nothing_to_cancel(fabrikam, acme_admin):
    downsell = downsell_of(fabrikam, acme_admin)
    Agreement.objects.filter(pk=downsell.pk).update(status=Agreement.Status.REJECTED)

    with pytest.raises(CannotCancel, match="rejected"):
        downsell_cancel(agreement=downsell, actor=acme_admin, today=DEADLINE)


def test_a_scheduled_downsell_takes_changes_only_once_in_effect(
    client, fabrikam, acme_admin, staff
):
    downsell = downsell_of(fabrikam, acme_admin)
    agreement_confirm(agreement=downsell, actor=staff)

    state = change_options_state(fabrikam)

    assert not state.enabled
    assert state.reason == (
        "Agreement version 2 (200 seats) is scheduled to take effect on 2026-12-01; the next "
        "change can be made from then."
    )
    assert state.opens_again == "on 2026-12-01"


def test_confirming_a_cancelled_downsell_changes_nothing(fabrikam, acme_admin, staff):
    downsell = downsell_of(fabrikam, acme_admin)
    downsell_cancel(agreement=downsell, actor=acme_admin, today=DEADLINE)

    agreement_confirm(agreement=downsell, actor=staff)

    assert statuses(fabrikam) == {1: "active", 2: "cancelled"}


# The Cancel downsell button and its view


def open_downsell(company, actor):
    """A downsell whose deadline is still ahead today, in real time (the view uses today)."""
    today = timezone.localdate()
    return downsell_of(
        company,
        actor,
        effective_on=today + datetime.timedelta(days=5),
        cancel_by=today + datetime.timedelta(days=2),
    )


def cancel_url(company, agreement):
    return reverse("companies:downsell_cancel", args=[company.pk, agreement.pk])


def test_cancel_downsell_button_cancels_and_confirms(client, fabrikam, acme_sales, acme_admin):
    downsell = open_downsell(fabrikam, acme_admin)
    client.force_login(acme_sales)

    page = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()
    assert f'action="{cancel_url(fabrikam, downsell)}"' in page
    response = client.post(cancel_url(fabrikam, downsell), follow=True)

    assert response.redirect_chain[-1][0] == (
        reverse("companies:detail", args=[fabrikam.pk]) + "#agreements"
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Downsell cancelled: agreement version 2 will not take effect; the customer keeps "
        "version 1 with 350 seats."
    ]
    assert statuses(fabrikam) == {1: "active", 2: "cancelled"}
    assert "Cancelled by sales@acme.test" in response.content.decode()


def test_cancel_downsell_after_the_deadline_is_refused_with_the_reason(
    client, fabrikam, acme_admin
):
    today = timezone.localdate()
    downsell = downsell_of(
        fabrikam,
        acme_admin,
        effective_on=today + datetime.timedelta(days=2),
        cancel_by=today - datetime.timedelta(days=1),
    )
    client.force_login(acme_admin)

    page = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()
    reason = (
        f"The deadline to cancel was {today - datetime.timedelta(days=1):%Y-%m-%d} (3 days "
        f"before the billing date {today + datetime.timedelta(days=2):%Y-%m-%d})."
    )
    assert (
        f'<button type="button" disabled aria-describedby="downsell-cancel-{downsell.pk}">'
        "Cancel downsell</button>"
    ) in page
    assert reason in page
    assert f'action="{cancel_url(fabrikam, downsell)}"' not in page

    # A crafted POST is refused all the same.
    response = client.post(cancel_url(fabrikam, downsell))

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == [f"The downsell was not cancelled. {reason}"]
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}


def test_cancel_downsell_of_another_msp_is_not_found(client, fabrikam, acme_admin, outsider):
    downsell = open_downsell(fabrikam, acme_admin)
    client.force_login(outsider)

    response = client.post(cancel_url(fabrikam, downsell))

    assert response.status_code == 404
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}


def test_cancel_downsell_must_name_the_agreements_own_company(client, acme, fabrikam, acme_admin):
    downsell = open_downsell(fabrikam, acme_admin)
    other = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    client.force_login(acme_admin)

    response = client.post(cancel_url(other, downsell))

    assert response.status_code == 404


def test_cancel_downsell_needs_a_post_and_a_login(client, fabrikam, acme_admin):
    downsell = open_downsell(fabrikam, acme_admin)

    assert client.post(cancel_url(fabrikam, downsell)).status_code == 302  # to the login
    client.force_login(acme_admin)
    assert client.get(cancel_url(fabrikam, downsell)).status_code == 405
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}


def test_cancel_downsell_checks_the_csrf_token(fabrikam, acme_admin):
    from django.test import Client

    downsell = open_downsell(fabrikam, acme_admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme_admin)

    assert client.post(cancel_url(fabrikam, downsell)).status_code == 403
    assert statuses(fabrikam) == {1: "active", 2: "downsell_pending"}


def test_no_cancel_button_for_a_downsell_in_effect(client, fabrikam, acme_admin, staff):
    today = timezone.localdate()
    downsell = downsell_of(fabrikam, acme_admin, effective_on=today, cancel_by=today)
    agreement_confirm(agreement=downsell, actor=staff)
    client.force_login(acme_admin)

    page = client.get(reverse("companies:detail", args=[fabrikam.pk])).content.decode()

    assert "Cancel downsell" not in page
