"""Every figure of the MSP dashboard's recurring fees and movements, month by month, is the
sum of the lines of the agreement versions in effect on the month's first day (demo data)."""

import pytest
from django.utils import timezone

from portal.accounts.models import Partner
from portal.dashboards.msp import MspDashboard
from tests.dashboards.reconcile import expected_movements, fees_on, sold_on

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", ["Acme IT Services", "Globex Managed Services"])
def test_recurring_fees_are_the_lines_in_effect_each_month(demo_data, name):
    partner = Partner.objects.get(name=name)
    dashboard = MspDashboard(partner, timezone.localdate())
    chart = dashboard.chart("recurring")
    for day, row in zip(dashboard.window.shown, chart.rows, strict=True):
        assert row[1] == sum(fees_on(partner, day).values()), day
        sold, unpriced = sold_on(partner, day)
        assert (row[4], row[6]) == (sold, unpriced), day
        if sold is not None:
            assert row[5] == sold - row[1]  # the margin


def test_movements_are_the_changes_of_each_customer_between_first_days(demo_data):
    partner = Partner.objects.get(name="Acme IT Services")
    dashboard = MspDashboard(partner, timezone.localdate())
    days = dashboard.window.days
    rows = dashboard.chart("movements").rows
    for n, row in enumerate(rows, 1):
        moves = expected_movements(fees_on(partner, days[n - 1]), fees_on(partner, days[n]))
        assert row[1:5] == [moves["new"], moves["expansion"], moves["contraction"], moves["lost"]]
        # The net change is the month's recurring fees less the month before's.
        assert row[5] == sum(fees_on(partner, days[n]).values()) - sum(
            fees_on(partner, days[n - 1]).values()
        )


def test_this_months_fees_are_the_customers_total_monthly_fees(demo_data):
    partner = Partner.objects.get(name="Acme IT Services")
    today = timezone.localdate()
    dashboard = MspDashboard(partner, today)
    this_month = dashboard.window.this_month
    assert dashboard.cost[dashboard.window.days.index(this_month)] == sum(
        fees_on(partner, this_month).values()
    )


def test_the_history_is_not_flat(demo_data):
    partner = Partner.objects.get(name="Acme IT Services")
    dashboard = MspDashboard(partner, timezone.localdate())
    rows = dashboard.chart("movements").rows
    # Customers won, one grown, one shrunk, two lost over the year.
    assert sum(1 for row in rows if row[1]) >= 3
    assert any(row[2] for row in rows) and any(row[3] for row in rows)
    assert sum(1 for row in rows if row[4]) == 2


def test_seats_are_the_per_seat_lines_in_effect_today(demo_data):
    from portal.companies.models import AgreementLine

    partner = Partner.objects.get(name="Acme IT Services")
    rows = MspDashboard(partner, timezone.localdate()).chart("seats").rows
    expected = {}
    for line in AgreementLine.objects.filter(
        agreement__company__partner=partner, agreement__status="active", charge="per_seat"
    ):
        expected[line.code] = expected.get(line.code, 0) + line.quantity
    assert {row[0]: row[2] for row in rows} == expected
