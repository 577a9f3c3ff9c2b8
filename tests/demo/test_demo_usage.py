"""The demo's usage: the last 90 days, as the simulated vendor reports them, so that the
customer pages show trends, some customers above their licences and some below. Loaded again
on the same day it changes nothing; loaded again days later, it reports the days since."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from portal.companies.models import Company
from portal.usage.models import BilledSeats, Reconciliation, UsageFigure, UsageReport
from portal.usage.trend import trend_days, usage_trend

LOADED = datetime.date(2026, 11, 30)


def at(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC), tick=False
    )


def demo_data() -> str:
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    with at(LOADED):
        demo_data()
        yield


def figures() -> dict:
    return {
        (f.company_id, f.product_id, f.day): (f.in_use, f.report_id)
        for f in UsageFigure.objects.all()
    }


def test_the_demo_reports_the_last_90_days_of_every_customer(loaded):
    days = trend_days(LOADED)

    reported = set(UsageFigure.objects.values_list("day", flat=True))

    assert reported == set(days)
    assert days[0] == LOADED - datetime.timedelta(days=90)
    assert days[-1] == LOADED - datetime.timedelta(days=1)
    # Each partner's day is one report, as the daily job sends them.
    assert UsageReport.objects.count() == 90 * 2
    northwind = Company.objects.get(name="Northwind Traders")
    (s1,) = usage_trend(northwind, days)
    assert None not in s1.in_use


def test_some_demo_customers_use_more_than_licensed_and_some_fewer(loaded):
    latest = []
    for company in Company.objects.filter(status=Company.Status.COMPLETE):
        for product in usage_trend(company, trend_days(LOADED)):
            n = product.latest
            latest.append(product.in_use[n] - product.licensed[n])

    assert any(difference > 0 for difference in latest)
    assert any(difference < 0 for difference in latest)


def test_loading_the_demo_again_on_the_same_day_reports_nothing_twice(loaded):
    before, reports = figures(), UsageReport.objects.count()

    with at(LOADED):
        said = demo_data()

    assert "nothing changed" in said
    assert figures() == before
    assert UsageReport.objects.count() == reports


def test_loading_the_demo_days_later_reports_the_days_since(loaded):
    later = LOADED + datetime.timedelta(days=3)
    before = figures()

    with at(later):
        said = demo_data()

    assert "usage of 3 more days reported" in said
    days = set(UsageFigure.objects.values_list("day", flat=True))
    assert max(days) == later - datetime.timedelta(days=1)
    assert len(days) == 93
    # The days reported before stay as they were.
    assert {key: value for key, value in figures().items() if key in before} == before


def test_the_demos_reconciliation_has_customers_above_below_and_not_billed(loaded):
    rows = Reconciliation.objects.filter(partner__name="Acme IT Services")

    assert rows.filter(above__gt=0).exists()
    assert rows.filter(below__gt=0).exists()
    assert rows.filter(unbilled__gt=0).exists()
    assert (
        BilledSeats.objects.filter(source="uploaded").count() == rows.filter(licensed__gt=0).count()
    )
