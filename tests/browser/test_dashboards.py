"""The dashboards on the demo data, drawn by the real Chromium: Acme's Admin opens Dashboard
from the menu, reads the charts, opens the figures of one under its disclosure; vendor staff
open the Dashboard of the console. Screenshots at 1366 and 390 px, axe passing on each."""

from playwright.sync_api import expect

from .conftest import log_in


def test_the_msp_dashboard_shows_a_year_of_history(page, demo_data, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")

    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    charts = page.get_by_role("img")
    expect(page.get_by_role("img", name="Monthly recurring fees", exact=True)).to_be_visible()
    assert charts.count() >= 5
    recurring = page.locator("#recurring")
    recurring.get_by_text("Figures: Monthly recurring fees").click()
    table = recurring.get_by_role("table")
    expect(table).to_be_visible()
    # 12 months and 3 ahead.
    expect(table.locator("tbody tr")).to_have_count(15)
    movements = page.locator("#movements")
    movements.get_by_text("Figures: New, expansion, contraction and lost").click()
    expect(movements.get_by_role("table")).to_contain_text("Lost")
    screenshot("dashboard-msp-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("dashboard-msp-390")


def test_the_vendor_dashboard_in_the_console(page, demo_data, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "staff@vendor.example")
    page.goto("/admin/")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Recurring fee movements (USD)")).to_be_visible()
    partners = page.locator("#partners-usd")
    partners.get_by_text("Figures: Top partners by recurring fees (USD)").click()
    expect(partners.get_by_role("table")).to_contain_text("Acme IT Services")
    expect(page.locator("body")).not_to_contain_text("margin")
    screenshot("dashboard-vendor-1366")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("dashboard-vendor-390")
