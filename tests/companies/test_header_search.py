"""The header search: prospects and customers of the user's MSP by part of the name or by
domain, listed apart; bad input said plainly; never another MSP's; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.companies.models import Company
from portal.customers.search import company_search
from tests.fixtures.factories import make_company

RESULTS = reverse("companies:search")
SUGGEST = reverse("companies:search_suggest")


@pytest.fixture
def companies(acme, globex):
    return {
        "contoso": make_company(acme, "Contoso Pharmaceuticals", domain="contoso.example"),
        "northwind": make_company(
            acme,
            "Northwind Traders",
            domain="northwindtraders.example",
            status=Company.Status.COMPLETE,
        ),
        "northgate": make_company(
            acme, "Northgate Legal LLP", domain="ngl.example", status=Company.Status.IN_PROGRESS
        ),
        "north_prospect": make_company(acme, "North Star Dental", domain="nsd.example"),
        "globex_north": make_company(globex, "Northern Globex Client", domain="northern.example"),
    }


def names(companies) -> list[str]:
    return [company.name for company in companies]


def test_part_of_a_name_finds_prospects_and_customers_apart(companies, acme_admin):
    found = company_search(acme_admin, "  NORTH ")
    assert names(found.prospects) == ["North Star Dental"]
    assert names(found.customers) == ["Northgate Legal LLP", "Northwind Traders"]


def test_a_domain_finds_its_company_as_people_paste_it(companies, acme_admin):
    for typed in ("contoso.example", "https://www.Contoso.example/about"):
        found = company_search(acme_admin, typed)
        assert names(found.prospects) == ["Contoso Pharmaceuticals"], typed
    assert names(company_search(acme_admin, "ngl.example").customers) == ["Northgate Legal LLP"]


def test_another_msps_companies_never_appear(companies, acme_admin, outsider, client):
    assert "Northern Globex Client" not in names(company_search(acme_admin, "north").customers)
    assert "Northern Globex Client" not in names(
        company_search(acme_admin, "northern.example").prospects
    )
    found = company_search(outsider, "north")
    assert names(found.prospects) == ["Northern Globex Client"]
    assert found.customers == []
    client.force_login(outsider)
    for url in (RESULTS, SUGGEST):
        body = client.get(url, {"q": "contoso"}).content
        assert b"Contoso" not in body and b"Northwind" not in body


def test_the_results_page_lists_each_group_with_links_status_and_domain(
    companies, acme_admin, client
):
    client.force_login(acme_admin)
    response = client.get(RESULTS, {"q": "north"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        html.index("Customers</h2>")
        < html.index("Northwind Traders")
        < html.index("Prospects</h2>")
        < html.index("North Star Dental")
    )
    northwind = companies["northwind"]
    assert f'href="{reverse("companies:detail", args=[northwind.pk])}"' in html
    assert "Customer (Complete)" in html and "northwindtraders.example" in html


def test_suggestions_are_json_in_name_order(companies, acme_admin, client):
    client.force_login(acme_admin)
    data = client.get(SUGGEST, {"q": "north"}).json()
    assert [row["name"] for row in data["results"]] == [
        "North Star Dental",
        "Northgate Legal LLP",
        "Northwind Traders",
    ]
    assert data["results"][2] == {
        "name": "Northwind Traders",
        "status": "Customer (Complete)",
        "domain": "northwindtraders.example",
        "url": reverse("companies:detail", args=[companies["northwind"].pk]),
    }
    assert data["error"] == ""


@pytest.mark.parametrize(
    "q, said",
    [
        ("north\x00", "The search holds a control character (U+0000), which is not allowed"),
        ("n" * 5000, "The search is 5,000 characters long: search for at most 100."),
    ],
)
def test_bad_input_is_said_plainly_not_a_server_error(companies, acme_admin, client, q, said):
    client.force_login(acme_admin)
    response = client.get(RESULTS, {"q": q})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert "Northwind" not in response.content.decode()
    suggest = client.get(SUGGEST, {"q": q})
    assert suggest.status_code == 400
    # A control character is refused in plain text, naming the parameter (the box itself never
    # sends one); a long search is said in the JSON, with no results.
    body = suggest.content.decode()
    assert said in body or said.replace("The search", "The parameter “q”") in body
    assert "Northwind" not in body


def test_nothing_found_or_nothing_typed_says_what_to_do(companies, acme_admin, client):
    client.force_login(acme_admin)
    html = client.get(RESULTS, {"q": "zzz"}).content.decode()
    assert "No prospect or customer matches “zzz”" in html
    html = client.get(RESULTS).content.decode()
    assert "Type part of a company name, or its whole domain." in html


def test_vendor_staff_have_no_search(staff, client):
    client.force_login(staff)
    assert client.get(RESULTS, {"q": "north"}).status_code == 404
    # A portal page they do open (Sign-in and security) has no search box.
    html = client.get(reverse("sessions")).content.decode()
    assert "Sign-in and security" in html
    assert "header-search" not in html


def test_every_page_has_the_search_box_with_its_label(acme_admin, client):
    client.force_login(acme_admin)
    for name in ("home", "prospects:list", "customers:complete"):
        html = client.get(reverse(name)).content.decode()
        assert '<form class="header-search" role="search"' in html
        assert '<label for="header-search-q"' in html


def test_a_search_is_a_fixed_number_of_queries_whatever_it_finds(acme, acme_admin, client):
    client.force_login(acme_admin)

    def queries(q) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(RESULTS, {"q": q}).status_code == 200
        return len(captured)

    make_company(acme, "Alpha One", domain="alpha1.example")
    one = queries("alpha")
    for i in range(60):
        make_company(acme, f"Alpha {i:02}", status=Company.Status.COMPLETE)
        make_company(acme, f"Alpha prospect {i:02}")
    assert queries("alpha") == one


def test_the_results_page_lists_the_first_of_each_group_and_leads_to_the_lists(
    acme, acme_admin, client
):
    for n in range(22):
        make_company(acme, f"Harbor Prospect {n:02}")
        make_company(acme, f"Harbor Customer {n:02}", status=Company.Status.COMPLETE)
    client.force_login(acme_admin)

    page = client.get(RESULTS, {"q": "harbor"}).content.decode()

    assert "Harbor Prospect 19" in page and "Harbor Prospect 20" not in page
    assert "Harbor Customer 19" in page and "Harbor Customer 20" not in page
    assert page.count("Only the first 20") == 2
    assert f'href="{reverse("prospects:list")}?q=harbor"' in page
    assert f'href="{reverse("customers:in_progress")}?q=harbor"' in page
    assert f'href="{reverse("customers:complete")}?q=harbor"' in page
