"""The seeds' customers: Northwind Traders (S1, 682 seats) and Fabrikam Logistics (S1 and C1,
350 seats), Complete with an Active agreement, at Acme's contracted prices."""

import datetime
import uuid

import pytest
from django.urls import reverse

from portal.catalog.models import ListPrice, PriceList
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create
from portal.core.testing import make_company
from portal.pricing import price_order
from tests.orders.conftest import catalog  # noqa: F401  (a fixture)

BILLING = datetime.date(2030, 1, 1)


@pytest.fixture
def price_list(catalog):  # noqa: F811
    current = PriceList.objects.create(
        name="List 2026", currency="USD", effective_from=datetime.date(2026, 1, 1)
    )
    ListPrice.objects.bulk_create(
        ListPrice(price_list=current, product=p, term=p.term, unit_price="9.99")
        for p in catalog.values()
    )
    return current


def make_customer(partner, lead, name, quantities, users):
    company = make_company(
        partner,
        name,
        domain=name.split()[0].lower() + ".example",
        status=Company.Status.COMPLETE,
        implementation_lead=lead,
        lead_name=str(lead),
        permitted_users=users,
        next_billing_date=BILLING,
    )
    agreement_create(
        company=company,
        lines=list(price_order(price_table_for(partner=partner), quantities).lines),
        status=Agreement.Status.ACTIVE,
        total_users=users,
        currency=partner.currency,
        actor=lead,
    )
    return company


@pytest.fixture
def northwind(acme, acme_admin, price_list):
    return make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)


@pytest.fixture
def fabrikam(acme, acme_admin, price_list):
    return make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)


def change_data(company, **changes) -> dict:
    data = {"seats": "700", "implementation_lead": str(company.implementation_lead_id)}
    data["mode"] = "keep"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def review_data(**changes) -> dict:
    data = {
        "order_number": "PO-77",
        "accept_msa": "on",
        "accept_authority": "on",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def quote_change(client, acme_admin):
    """Post the change form as Acme's admin; ``review=True`` goes on to Review Order."""
    client.force_login(acme_admin)

    def post(company, review=False, **changes):
        data = change_data(company, **changes)
        data["review" if review else "save"] = "1"
        return client.post(reverse("changes:start", args=[company.pk]), data, follow=True)

    return post
