"""The header search on the demo data, by keyboard: "/" focuses it from any page, typing lists
suggestions, the arrow keys choose, Enter opens the customer, Escape closes; Enter without a
suggestion chosen (or without script) opens the results page. 1366 and 390 px."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from portal.companies.models import Company

from .conftest import log_in


def test_slash_then_typing_arrow_down_and_enter_opens_the_customer(page, demo_data, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    search = page.get_by_role("combobox", name="Find a prospect or customer")

    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("northw")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(search).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    option = suggestions.get_by_role("option", name="Northwind Traders")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(option).to_contain_text("Customer (Complete) · northwindtraders.example")
    screenshot("header-search-suggestions-1366")
    page.keyboard.press("Enter")

    northwind = Company.objects.get(name="Northwind Traders")
    page.wait_for_url(f"**{reverse('companies:detail', args=[northwind.pk])}")
    expect(page.get_by_role("heading", name="Northwind Traders", exact=True)).to_be_visible()


def test_slash_while_typing_in_a_field_is_a_slash(page, demo_data):
    log_in(page, "admin@acme-msp.example")
    page.goto(reverse("prospects:list"))
    box = page.get_by_label("Search Prospects")
    box.click()
    page.keyboard.type("a/b")
    expect(box).to_have_value("a/b")
    expect(page.get_by_role("combobox", name="Find a prospect or customer")).not_to_be_focused()


def test_escape_closes_and_enter_lists_prospects_and_customers_apart(page, demo_data, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "admin@acme-msp.example")
    page.goto(reverse("customers:complete"))
    search = page.get_by_role("combobox", name="Find a prospect or customer")
    page.keyboard.press("/")
    page.keyboard.type("north")
    suggestions = page.get_by_role("listbox", name="Suggestions")
    expect(suggestions.get_by_role("option")).to_have_count(2)
    screenshot("header-search-suggestions-390")
    page.keyboard.press("Escape")
    expect(suggestions).to_be_hidden()
    expect(search).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    page.wait_for_url("**/companies/search/?q=north")
    customers = page.get_by_role("region", name="Customers")
    prospects = page.get_by_role("region", name="Prospects")
    expect(customers.get_by_role("link", name="Northwind Traders")).to_be_visible()
    expect(customers).to_contain_text("northwindtraders.example")
    expect(prospects.get_by_role("link", name="Northgate Legal LLP")).to_be_visible()
    expect(prospects).to_contain_text("Prospect")
    screenshot("header-search-results-390")

    page.set_viewport_size({"width": 1366, "height": 900})
    screenshot("header-search-results-1366")


@pytest.fixture
def page_without_script(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_results_page_works_without_script_and_says_what_is_wrong(
    page_without_script, demo_data
):
    page = page_without_script
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("combobox", name="Find a prospect or customer").fill(
        "https://www.fabrikam-logistics.example/"
    )
    page.get_by_role("button", name="Search", exact=True).click()
    customers = page.get_by_role("region", name="Customers")
    expect(customers.get_by_role("link", name="Fabrikam Logistics")).to_be_visible()

    page.goto("/companies/search/?q=north%00")
    expect(page.get_by_role("alert")).to_contain_text("control character (U+0000)")
