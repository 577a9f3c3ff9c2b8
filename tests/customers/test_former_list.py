"""Customers | Former customers: the customers whose every product ended, searched, lettered,
sorted and filtered like the other lists, never another MSP's; none of them is on the other
customer lists."""

import pytest
from django.urls import reverse

from portal.companies.models import Company
from tests.fixtures.factories import make_company

URL = "/customers/former/"


@pytest.fixture
def formers(acme, acme_admin):
    return [
        make_company(
            acme,
            name,
            domain=f"{name.split()[0].lower()}.example",
            status=Company.Status.FORMER,
            implementation_lead=acme_admin,
            lead_name=str(acme_admin),
        )
        for name in ("Tailspin Toys", "Adatum Corporation", "Wingtip Partners")
    ]


def test_the_former_customers_listed_by_name_each_linked_to_its_page(
    client, acme_admin, formers, globex
):
    make_company(globex, "Globex Former", status=Company.Status.FORMER)
    make_company(formers[0].partner, "Still Complete", status=Company.Status.COMPLETE)
    client.force_login(acme_admin)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Customers | Former customers" in page
    assert "1–3 of 3 former customers" in page
    order = [page.index(name) for name in ("Adatum", "Tailspin", "Wingtip")]
    assert order == sorted(order)
    assert reverse("companies:detail", args=[formers[0].pk]) in page
    assert "Globex Former" not in page and "Still Complete" not in page


def test_search_letter_sort_and_filters(client, acme_admin, formers):
    client.force_login(acme_admin)
    assert "Tailspin" in client.get(URL, {"q": "tail"}).content.decode()
    assert "Adatum" not in client.get(URL, {"q": "tail"}).content.decode()
    page = client.get(URL, {"letter": "W"}).content.decode()
    assert "Wingtip" in page and "Adatum" not in page
    page = client.get(URL, {"sort": "-name"}).content.decode()
    assert page.index("Wingtip") < page.index("Adatum")
    page = client.get(URL, {"mine": "1"}).content.decode()
    assert "1–3 of 3" in page
    response = client.get(URL, {"sector": "nonsense"})
    assert response.status_code == 400 and "Sector: choose one from the list." in (
        response.content.decode()
    )


def test_former_customers_are_not_on_the_complete_list(client, acme_admin, formers):
    client.force_login(acme_admin)
    assert "Tailspin" not in client.get(reverse("customers:complete")).content.decode()


def test_an_empty_list_says_how_a_customer_becomes_former(client, acme_admin):
    client.force_login(acme_admin)
    assert "No former customers." in client.get(URL).content.decode()
