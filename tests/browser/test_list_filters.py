"""Filters on the lists, on the demo data: chosen in the page, kept in the URL with the search,
the letter and the sort, followed by the count, the letters and the export; a bad value is said
next to its filter."""

import csv
import io
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from portal.accounts.models import User
from portal.companies.models import Company

from .conftest import log_in


def names(page) -> list[str]:
    return page.locator("table.list tbody tr td:first-child").all_inner_texts()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_prospect_filters_are_chosen_in_the_page_and_kept_in_the_url(page, demo_data, screenshot):
    lead = User.objects.get(email="lead@acme-msp.example")
    prospects = Company.objects.filter(partner=lead.partner, status="prospect")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Prospect List").click()

    bar = page.get_by_role("form", name="Filters")
    bar.get_by_label("Implementation Lead").select_option(label="Lee Lead")
    bar.get_by_label("Sector").select_option(label="Healthcare")
    bar.get_by_role("button", name="Filter").click()

    assert query(page)["lead"] == [str(lead.pk)] and query(page)["sector"] == ["healthcare"]
    expected = sorted(
        prospects.filter(implementation_lead=lead, sector="healthcare").values_list(
            "name", flat=True
        ),
        key=str.lower,
    )
    assert (
        expected and [name.replace("Saved order", "").strip() for name in names(page)] == expected
    )
    expect(page.get_by_role("status")).to_contain_text(f"of {len(expected)} prospect")

    # The search keeps the filters; a letter keeps both.
    page.get_by_label("Search Prospects").fill(expected[0][:3])
    page.get_by_role("button", name="Go").click()
    assert query(page)["sector"] == ["healthcare"] and query(page)["q"] == [expected[0][:3]]
    letter = "#" if expected[0][0].isdigit() else expected[0][0].upper()
    page.get_by_role("navigation", name="First letter").get_by_role(
        "link", name=letter, exact=True
    ).click()
    assert query(page)["letter"] == [letter] and query(page)["lead"] == [str(lead.pk)]
    assert expected[0] in " ".join(names(page))
    screenshot("list-filters-prospects-1366")

    # The export downloads what the filters leave.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    exported = [row["Company Name"] for row in csv.DictReader(io.StringIO(text))]
    assert exported and set(exported) <= set(expected)

    # A bad date typed into the URL: said next to the filter, the list shown without it.
    page.goto("/prospects/?provision_from=2027-02-31&sector=retail")
    error = page.locator("#filter-provision_from-error")
    expect(error).to_contain_text("is not a date")
    expect(page.get_by_label("Sector")).to_have_value("retail")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(error).to_be_visible()
    screenshot("list-filters-bad-date-390")


def test_customer_filters_my_accounts_product_and_billing_dates(page, demo_data, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "lead@acme-msp.example")
    page.get_by_role("link", name="Complete").click()
    bar = page.get_by_role("form", name="Filters")

    bar.get_by_label("Product").select_option("C1")
    bar.get_by_role("button", name="Filter").click()
    assert names(page) == ["Fabrikam Logistics"]
    assert query(page)["product"] == ["C1"]

    bar.get_by_label("Product").select_option("")
    bar.get_by_label("My accounts").check()
    billing = Company.objects.get(name="Fabrikam Logistics").next_billing_date
    bar.get_by_label("Next Billing Date from").fill(billing.isoformat())
    bar.get_by_label("Next Billing Date to").fill(billing.isoformat())
    bar.get_by_role("button", name="Filter").click()
    assert query(page)["mine"] == ["1"]
    assert query(page)["billing_from"] == [billing.isoformat()]
    assert names(page) == ["Fabrikam Logistics", "Northwind Traders"]
    # Sorting keeps the filters.
    page.get_by_role("link", name="Monthly Fees").click()
    assert query(page)["sort"] == ["fees"] and query(page)["mine"] == ["1"]
    assert names(page) == ["Fabrikam Logistics", "Northwind Traders"]
    screenshot("list-filters-customers-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # The filter bar fits the phone's width: nothing wider than the screen.
    width = page.evaluate("document.querySelector('.filterbar').scrollWidth")
    assert width <= page.evaluate("document.querySelector('.filterbar').clientWidth")
    screenshot("list-filters-customers-390")

    bar.get_by_role("link", name="Clear filters").click()
    assert "mine" not in query(page) and query(page)["sort"] == ["fees"]
