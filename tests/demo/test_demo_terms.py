"""The demo's customers in time: the seeds' Northwind and Fabrikam keep their figures on
monthly terms with billing dates; customers on annual (and 3-year) commitments have terms that
end within 7, 30 and 60 days of the day the demo is loaded, and later; one has an add-on
co-termed mid-term. Loaded on two days, the dates follow the day."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from portal.companies.billing import add_months
from portal.companies.models import Agreement, AgreementLine, Company
from portal.companies.versions import paying_version

DAYS = [datetime.date(2026, 11, 30), datetime.date(2027, 2, 28)]


@pytest.fixture(params=DAYS, ids=str)
def today(request, db):
    """The demo loaded on this day (and the clock left there)."""
    moment = datetime.datetime.combine(request.param, datetime.time(12), tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        call_command("demo_data", verbosity=0)
        yield request.param


def in_effect(name: str) -> Agreement:
    return Agreement.objects.get(company__name=name, status=Agreement.Status.ACTIVE)


def committed_lines():
    return AgreementLine.objects.filter(
        agreement__status=Agreement.Status.ACTIVE, commitment__in=["1y", "3y"]
    ).select_related("agreement__company")


@pytest.mark.parametrize(
    ("name", "seats", "monthly"),
    [
        ("Northwind Traders", {"S1": 682}, Decimal("2011.90")),
        ("Fabrikam Logistics", {"S1": 350, "C1": 350}, Decimal("1505.00")),
    ],
)
def test_the_seed_customers_keep_their_figures_on_monthly_terms(today, name, seats, monthly):
    agreement = in_effect(name)
    lines = list(agreement.lines.all())
    company = agreement.company
    next_billing = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)

    assert {line.code: line.quantity for line in lines} == seats
    assert sum(line.payment for line in lines) == monthly
    assert company.monthly_fees == monthly
    assert company.next_billing_date == next_billing
    assert agreement.effective_from < today.replace(day=1)
    for line in lines:
        assert (line.commitment, line.billing, line.auto_renew) == ("monthly", "monthly", True)
        # The month running, renewed on the billing date.
        assert (line.term_start, line.term_end) == (today.replace(day=1), next_billing)


def test_commitments_end_within_7_30_and_60_days_of_the_day_loaded_and_later(today):
    days_left = sorted({(line.term_end - today).days for line in committed_lines()})

    assert all(days > 0 for days in days_left)
    assert any(days <= 7 for days in days_left)
    assert any(7 < days <= 30 for days in days_left)
    assert any(30 < days <= 60 for days in days_left)
    assert sum(days > 60 for days in days_left) >= 3
    assert max(days_left) > 180  # spread over the coming months


def test_every_committed_term_is_running_and_its_version_took_effect_before_today(today):
    lines = list(committed_lines())

    assert len({line.agreement.company_id for line in lines}) == 7
    assert {line.commitment for line in lines} == {"1y", "3y"}
    for line in lines:
        assert line.term_start <= today < line.term_end
        assert line.agreement.effective_from < today
        co_termed = line.code == "A2"  # a shorter first term, ending with S1's
        if not co_termed:
            months = 36 if line.commitment == "3y" else 12
            assert line.term_end == add_months(line.term_start, months), line


def test_an_annually_priced_add_on_is_billed_annually(today):
    archive = in_effect("Adventure Works Cycles").lines.get(code="A3")

    assert (archive.term, archive.billing, archive.commitment) == ("annual", "annual", "1y")


def test_an_add_on_bought_mid_term_ends_with_its_primary(today):
    company = Company.objects.get(name="Wide World Importers")
    first, second = company.agreements.order_by("version")
    s1 = second.lines.get(code="S1")
    a2 = second.lines.get(code="A2")

    assert (first.status, second.status) == ("superseded", "active")
    assert first.effective_until == second.effective_from < today
    assert a2.term_end == s1.term_end
    assert s1.term_start < a2.term_start == second.effective_from
    assert (s1.commitment, a2.commitment) == ("1y", "1y")
    assert company.permitted_users == second.total_users == 300


def test_every_customer_has_one_version_in_effect_since_a_day_past_and_none_scheduled(today):
    customers = Company.objects.filter(status=Company.Status.COMPLETE).prefetch_related(
        "agreements"
    )

    assert customers.count() == 10
    assert not Agreement.objects.filter(status=Agreement.Status.SCHEDULED).exists()
    for company in customers:
        agreements = list(company.agreements.all())
        active = [a for a in agreements if a.status == Agreement.Status.ACTIVE]
        assert len(active) == 1, company
        assert active[0].effective_from < today and active[0].effective_until is None
        assert paying_version(agreements) == active[0]
        assert company.permitted_users == active[0].total_users
        assert company.next_billing_date > today
