"""The seeds' customers on annual commitments (as the demo has them), their terms ending on
RENEWS, and Acme's new prices of S1 from 1 June 2027."""

import datetime
from decimal import Decimal

import pytest

from portal.catalog.models import ContractedPrice
from portal.companies.models import Agreement
from portal.companies.versions import company_fees_refresh
from tests.fixtures.customers import make_customer

RENEWS = datetime.date(2027, 6, 30)
STARTED = datetime.date(2026, 6, 30)
PRICES_CHANGE = datetime.date(2027, 6, 1)
# S1 from 1 June 2027, all units: 3.75 from 1 seat, 3.40 from 250, 3.10 from 500.
NEW_S1 = [(1, "3.75"), (250, "3.40"), (500, "3.10")]


def on_term(company, *, commitment="1y", start=STARTED, end=RENEWS, **fields):
    """The version in effect since ``start``, its lines on a term [start, end)."""
    agreement = company.agreements.get(status=Agreement.Status.ACTIVE)
    Agreement.objects.filter(pk=agreement.pk).update(effective_from=start)
    agreement.lines.update(commitment=commitment, term_start=start, term_end=end, **fields)
    company_fees_refresh(company)
    company.refresh_from_db()
    return company


def seed_customer(partner, lead, name, quantities, **term):
    seats = max(quantities.values())
    return on_term(make_customer(partner, lead, name, quantities, seats), **term)


@pytest.fixture
def tailspin(acme, acme_admin, price_list):
    return seed_customer(acme, acme_admin, "Tailspin Toys", {"S1": 120})


@pytest.fixture
def litware(acme, acme_admin, price_list):
    return seed_customer(acme, acme_admin, "Litware Inc", {"S2": 260})


@pytest.fixture
def adventure_works(acme, acme_admin, price_list):
    return seed_customer(acme, acme_admin, "Adventure Works Cycles", {"S1": 430, "A3": 430})


@pytest.fixture
def new_prices(acme, catalog):
    ContractedPrice.objects.bulk_create(
        ContractedPrice(
            partner=acme,
            product=catalog["S1"],
            term=catalog["S1"].term,
            min_quantity=quantity,
            unit_price=Decimal(price),
            effective_from=PRICES_CHANGE,
        )
        for quantity, price in NEW_S1
    )
