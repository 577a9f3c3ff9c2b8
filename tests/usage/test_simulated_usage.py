"""The simulated vendor reports each day's usage of every customer, around its licensed seats
with a steady drift, through the same checks as the vendor's reports; a second run on a day
changes nothing."""

import datetime

import pytest

from portal.sync.simulator import simulate_usage, usage_on
from portal.sync.tasks import simulated_usage
from portal.usage.models import UsageFigure, UsageReport

pytestmark = pytest.mark.django_db


def test_each_licensed_product_is_reported_near_its_seats(northwind, fabrikam):
    day = datetime.date.today()

    (figures,) = usage_on(day).values()

    licensed = {("Northwind Traders", "S1"): 682, ("Fabrikam Logistics", "S1"): 350}
    licensed[("Fabrikam Logistics", "C1")] = 350
    names = {northwind.pk: northwind.name, fabrikam.pk: fabrikam.name}
    found = {(names[f["customer_id"]], f["product"]): f["in_use"] for f in figures}
    assert set(found) == set(licensed)
    for key, seats in licensed.items():
        assert seats * 0.8 <= found[key] <= seats * 1.1, key


def test_a_day_is_reported_once_however_often_the_job_runs(northwind, fabrikam):
    day = datetime.date.today()

    assert simulate_usage(day) == ["200 stored"]
    assert simulate_usage(day) == ["200 repeated"]

    assert UsageReport.objects.count() == 1
    assert UsageFigure.objects.filter(day=day).count() == 3


def test_the_job_stands_aside_for_a_real_vendor(northwind, settings):
    settings.SYNC_VENDOR_URL = "https://vendor.example/provision"

    assert "reports usage itself" in simulated_usage.call()
    assert not UsageFigure.objects.exists()


def test_the_drift_is_steady_across_days(northwind):
    days = [datetime.date.today() + datetime.timedelta(days=n) for n in range(7)]

    counts = [usage_on(day)[northwind.partner_id][0]["in_use"] for day in days]

    assert max(counts) - min(counts) <= 2
