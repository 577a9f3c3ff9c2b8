"""The home page's renewal kinds: commitments ending within 30 days and renewal deadlines within
7 days, soonest first, each a link to Customers | Renewals with the window set; never another
MSP's; a bounded number of queries."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.catalog.models import Product
from portal.customers.attention import attention_for
from tests.customers.test_renewals_list import customer

TODAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        yield


def kinds(user) -> dict:
    return {kind.key: kind for kind in attention_for(user)}


def query(url: str) -> dict:
    parts = urlsplit(url)
    assert parts.path == "/customers/renewals/"
    return {key: values[0] for key, values in parse_qs(parts.query).items()}


def test_terms_ending_within_30_days_soonest_first_linked_to_renewals(acme, acme_admin, price_list):
    customer(acme, acme_admin, "Later Ltd", 31)
    customer(acme, acme_admin, "Northwind Traders", 12)
    customer(acme, acme_admin, "Adatum Corporation", 0)
    customer(acme, acme_admin, "Monthly Co", 3, commitment="monthly")

    found = kinds(acme_admin)["terms_ending"]

    assert found.title == "Terms ending soon" and found.count == 2
    assert [(item.name, item.note) for item in found.items] == [
        ("Adatum Corporation", "Term ends 2027-03-01 (today)"),
        ("Northwind Traders", "Term ends 2027-03-13 (in 12 days)"),
    ]
    assert query(found.items[1].url) == {"within": "30", "q": "Northwind Traders"}


def test_renewal_deadlines_within_7_days_by_each_products_deadline(acme, acme_admin, price_list):
    c1 = Product.objects.get(code="C1")
    c1.renewal_deadline_days = 10
    c1.save()
    # Northwind: S1's deadline (1 day before 2027-03-06) is 03-05. Fabrikam: S1's (03-15) is
    # too far, C1's (10 days before 2027-03-16) is 03-06.
    customer(acme, acme_admin, "Northwind Traders", 5)
    customer(acme, acme_admin, "Fabrikam Logistics", 15, quantities={"S1": 350, "C1": 350})
    customer(acme, acme_admin, "Contoso Pharmaceuticals", 9)  # S1's deadline 03-09: in 8 days
    customer(acme, acme_admin, "Past Deadline", 0)  # deadline yesterday

    found = kinds(acme_admin)["deadlines"]

    assert found.count == 2
    assert [item.name for item in found.items] == ["Northwind Traders", "Fabrikam Logistics"]
    assert [item.note for item in found.items] == [
        "Last day for renewal changes 2027-03-05 (in 4 days); term ends 2027-03-06",
        "Last day for renewal changes 2027-03-06 (in 5 days); term ends 2027-03-16",
    ]
    assert query(found.items[1].url)["q"] == "Fabrikam Logistics"


def test_never_another_msps(acme, acme_admin, outsider, price_list):
    customer(acme, acme_admin, "Northwind Traders", 3)
    assert "terms_ending" in kinds(acme_admin) and "deadlines" in kinds(acme_admin)
    assert kinds(outsider) == {}


def test_the_kinds_read_a_bounded_number_of_queries(acme, acme_admin, price_list):
    def queries() -> int:
        with CaptureQueriesContext(connection) as done:
            kinds(acme_admin)
        return len(done)

    customer(acme, acme_admin, "First", 3)
    few = queries()
    for n in range(30):
        customer(acme, acme_admin, f"Customer {n}", 2 + n % 5)
    assert queries() <= few + 2  # the counts, once there are more than are shown
