"""GET /api/v1/renewals/: the Renewals list through a personal token, with the screen's window,
filters, search, sort and pages; each customer's renewal as the screen shows it; only the
caller's MSP's; a bad parameter a 400 naming it."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from portal.catalog.models import ContractedPrice, Product
from tests.customers.test_renewals_list import customer, days
from tests.fixtures.factories import set_prices

URL = "/api/v1/renewals/"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def renewing(acme, acme_admin, price_list):
    return [
        customer(acme, acme_admin, "Northwind Traders", 12),
        customer(acme, acme_admin, "Fabrikam Logistics", 1, quantities={"S1": 350, "C1": 350}),
        customer(acme, acme_admin, "Contoso Pharmaceuticals", 45),
    ]


def test_the_default_window_with_each_customers_renewal(admin_api, renewing, acme):
    fabrikam = renewing[1]
    fabrikam.agreements.get().lines.filter(code="C1").update(auto_renew=False)
    s1 = Product.objects.get(code="S1")
    ContractedPrice.objects.create(
        partner=acme,
        product=s1,
        term=s1.term,
        min_quantity=1,
        unit_price=Decimal("4.00"),
        effective_from=days(5),
    )
    answer = admin_api.get(URL).json()

    assert (answer["count"], answer["window_from"], answer["window_to"]) == (
        2,
        "2027-03-01",
        "2027-03-31",
    )
    first, second = answer["results"]
    assert (first["name"], first["renews_on"], first["countdown"]) == (
        "Fabrikam Logistics",
        "2027-03-02",
        "tomorrow",
    )
    assert [(line["code"], line["seats_after"], line["auto_renew"]) for line in first["lines"]] == [
        ("S1", 350, True),
        ("C1", None, False),
    ]
    assert (first["value"], first["difference"], first["last_day"]) == (
        "1120.00",
        None,
        "2027-03-01",
    )
    # Northwind renews on 2027-03-13, after the new S1 price (100 × 4.00, against 3.50 today).
    assert (second["value"], second["value_at_todays_prices"], second["difference"]) == (
        "400.00",
        "350.00",
        "50.00",
    )


def test_the_screens_parameters(admin_api, renewing):
    names = lambda params: [row["name"] for row in admin_api.get(URL, params).json()["results"]]  # noqa: E731
    assert names({"within": "60", "sort": "name"}) == [
        "Contoso Pharmaceuticals",
        "Fabrikam Logistics",
        "Northwind Traders",
    ]
    assert names({"within": "60", "q": "north"}) == ["Northwind Traders"]
    assert names({"within": "60", "letter": "C"}) == ["Contoso Pharmaceuticals"]
    assert names({"from": "2027-03-10", "to": "2027-04-30"}) == [
        "Northwind Traders",
        "Contoso Pharmaceuticals",
    ]


def test_a_bad_parameter_is_a_400_naming_it(admin_api, renewing):
    response = admin_api.get(URL, {"within": "45"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "within": ["Terms ending within: choose 30, 60 or 90 days."]
    }
    response = admin_api.get(URL, {"from": "2027-03-10", "to": "2027-03-01"})
    assert response.json()["error"]["fields"] == {"to": ["To: the end is before the start."]}


def test_only_the_callers_msps_customers(outsider_api, anonymous_api, renewing, globex, outsider):
    set_prices(globex, Product.objects.get(code="S1"), [(1, "4.10")])
    customer(globex, outsider, "Globex Client", 3)
    assert [row["name"] for row in outsider_api.get(URL).json()["results"]] == ["Globex Client"]
    assert anonymous_api.get(URL).status_code == 401
