from decimal import Decimal

import pytest
from django.core.management import call_command

from portal.accounts.models import Partner, User
from portal.catalog.models import ContractedPrice
from portal.companies.models import Agreement, Company
from portal.core.models import HistoryEntry
from portal.usage.models import UsageFigure, UsageReport

MODELS = [Partner, User, Company, Agreement, ContractedPrice, HistoryEntry]
MODELS += [UsageReport, UsageFigure]


@pytest.fixture
def loaded(db):
    call_command("demo_data", verbosity=0)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_demo_data_twice_changes_nothing(loaded):
    before = counts()

    call_command("demo_data", verbosity=0)

    assert counts() == before


def test_every_demo_login_works(loaded, client):
    for email in [
        "staff@vendor.example",
        "admin@acme-msp.example",
        "sales@acme-msp.example",
        "lead@acme-msp.example",
        "admin@globex-msp.example",
    ]:
        assert client.login(email=email, password="demo"), email
        client.logout()


def test_acme_has_sixty_prospects_some_starting_with_digits(loaded):
    prospects = Company.objects.filter(partner__name="Acme IT Services", status="prospect")

    assert prospects.count() == 60
    assert sum(name[0].isdigit() for name in prospects.values_list("name", flat=True)) >= 5


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("Northwind Traders", {"S1": 682}),
        ("Fabrikam Logistics", {"S1": 350, "C1": 350}),
    ],
)
def test_seed_customers_are_complete_with_an_active_agreement(loaded, name, lines):
    company = Company.objects.get(name=name)
    agreement = company.agreements.get()

    assert company.status == Company.Status.COMPLETE
    assert company.next_billing_date is not None
    assert agreement.status == Agreement.Status.ACTIVE
    assert {line.code: line.quantity for line in agreement.lines.all()} == lines


def test_contracted_prices_differ_between_the_two_partners(loaded):
    def s1_price(partner):
        return ContractedPrice.objects.get(
            partner__name=partner, product__code="S1", min_quantity=1
        ).unit_price

    assert s1_price("Acme IT Services") == Decimal("3.50")
    assert s1_price("Globex Managed Services") != s1_price("Acme IT Services")


def test_northwind_is_priced_at_its_tier(loaded):
    line = Agreement.objects.get(company__name="Northwind Traders").lines.get()

    assert line.unit_price == Decimal("2.95")  # 682 seats fall in Acme's 500+ tier
    assert line.payment == Decimal("2011.90")
