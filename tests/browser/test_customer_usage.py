"""A customer's Usage in Chromium on the demo data: per product, the last 90 days of seats in
use against the seats licensed, the latest figure, and the figures under a disclosure; axe
checks it, and it fits a laptop (1366 px) and a phone (390 px)."""

from playwright.sync_api import expect

from .conftest import log_in
from .test_customer_details import open_customer, screenshots


def test_the_customer_page_shows_usage_against_the_licence(page, demo_data, screenshot):
    log_in(page, "sales@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")

    usage = page.locator("#usage")
    expect(usage.get_by_role("heading", name="Usage", exact=True)).to_be_visible()
    for title in ("C1 Continuity", "S1 Email Security Cloud Gateway"):
        chart = usage.get_by_role("img", name=f"{title}: seats in use and licensed")
        expect(chart).to_be_visible()
    expect(usage.get_by_text("licensed.").first).to_be_visible()  # the latest figure, said
    usage.get_by_text("Figures: S1 Email Security Cloud Gateway").click()
    table = usage.get_by_role("table", name="S1 Email Security Cloud Gateway")
    expect(table.get_by_role("row")).to_have_count(91)  # the header and 90 days
    screenshots(page, screenshot, "customer-usage")
