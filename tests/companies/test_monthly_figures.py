"""The partners' monthly figures (what the dashboards read) are kept in the transactions that
make and move versions: after every service path they are what counting every customer afresh
gives, a second count changes nothing, and two transactions counting one customer at once count
it once (PostgreSQL)."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from portal.companies.lifecycle import agreement_confirm
from portal.companies.models import AgreementLine, CustomerDay, PartnerLineDay, PartnerMonth
from portal.companies.monthly import (
    Figures,
    by_day,
    fees_by_month,
    figures_rebuild,
    figures_refresh,
)
from portal.companies.schedule import versions_take_effect
from tests.companies.test_lifecycle_sync import submit_change
from tests.companies.test_versions_take_effect import BILLING, DUE, MADE, SUBMITTED, at
from tests.fixtures.customers import make_customer
from tests.renewals.test_manage_renewal_concurrent import at_once

D = datetime.date


def counted() -> dict:
    """Every stored figure that is not nothing, comparable."""
    months = {
        (row["partner_id"], row["month"]): {k: v for k, v in row.items() if k not in ("id",)}
        for row in PartnerMonth.objects.values()
        if any(v for k, v in row.items() if k not in ("id", "partner_id", "month"))
    }
    lines = {
        (r.partner_id, r.day, r.term, r.charge, r.code, r.unit_price): (r.quantity, r.lines)
        for r in PartnerLineDay.objects.all()
        if r.quantity or r.lines
    }
    days = set(CustomerDay.objects.values_list("company_id", "day", "fees"))
    return {"months": months, "lines": lines, "days": days}


def assert_counted_as_afresh() -> None:
    kept = counted()
    figures_rebuild()
    assert kept == counted()


def test_a_change_shows_on_the_first_of_the_next_month():
    s1 = Figures(35_000, {"monthly|per_seat|3.5000|S1": [100, 1]})
    more = Figures(70_000, {"monthly|per_seat|3.5000|S1": [200, 1]})
    days = by_day([(D(2026, 1, 15), D(2026, 3, 1), s1), (D(2026, 3, 1), None, more)])

    assert list(days) == [D(2026, 1, 15), D(2026, 3, 1)]
    assert fees_by_month(days) == {D(2026, 2, 1): 35_000, D(2026, 3, 1): 70_000}


def test_a_change_undone_within_a_month_is_no_movement():
    s1 = Figures(35_000, {"monthly|per_seat|3.5000|S1": [100, 1]})
    brief = Figures(70_000, {"monthly|per_seat|3.5000|S1": [200, 1]})
    days = by_day(
        [
            (D(2026, 1, 1), D(2026, 2, 10), s1),
            (D(2026, 2, 10), D(2026, 2, 20), brief),
            (D(2026, 2, 20), None, s1),
        ]
    )

    assert len(days) == 3  # the seats count every day they hold
    assert fees_by_month(days) == {D(2026, 1, 1): 35_000}


def test_a_gap_is_a_customer_lost_and_won_back():
    s1 = Figures(35_000, {})
    days = by_day([(D(2026, 1, 1), D(2026, 2, 1), s1), (D(2026, 3, 1), None, s1)])

    assert fees_by_month(days) == {D(2026, 1, 1): 35_000, D(2026, 2, 1): 0, D(2026, 3, 1): 35_000}


def test_the_demo_history_is_counted_as_a_count_afresh_would(demo_data):
    assert PartnerMonth.objects.exists() and PartnerLineDay.objects.exists()
    assert_counted_as_afresh()


@pytest.mark.django_db
def test_a_downsell_submitted_synced_and_taking_effect_is_counted(acme, acme_admin, price_list):
    with at(MADE):
        company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    with at(SUBMITTED):
        pending = submit_change(
            company, acme_admin, {"S1": 200, "C1": 200}, 200, "downsell", effective_on=BILLING
        )
        agreement_confirm(agreement=pending, actor=None)
    assert_counted_as_afresh()
    with at(DUE):
        assert versions_take_effect() == 1
    assert_counted_as_afresh()
    month = PartnerMonth.objects.get(partner=acme, month=BILLING)
    assert month.contraction < 0 and month.contraction_customers == 1


@pytest.mark.django_db
def test_counting_again_changes_nothing(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    kept = counted()
    figures_refresh([company.pk, company.pk])
    figures_refresh([company.pk])
    assert counted() == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_counting_one_customer_at_once_count_it_once(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    # A change both see, made without the services (which would count it themselves).
    AgreementLine.objects.filter(agreement__company=company).update(quantity=700, payment=2450)

    counted_first = threading.Event()

    def first():
        with transaction.atomic():
            figures_refresh([company.pk])
            counted_first.set()
            time.sleep(0.5)  # still uncommitted while the second one counts

    def second():
        assert counted_first.wait(10)
        with transaction.atomic():
            figures_refresh([company.pk])

    assert at_once(first, second) == [None, None]
    assert_counted_as_afresh()
