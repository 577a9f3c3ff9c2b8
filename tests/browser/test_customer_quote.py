"""The end customer accepts a quote at the MSP's prices, on the demo data: Acme's Admin sets S1
at 4.00 a seat, sees the margin on Northwind Traders, saves the 682 -> 700 upsell as a change
quote and makes a customer quote of it; the customer opens the link in a browser of its own
(no login), accepts, and the MSP lands on Review Change Order with 700 seats. Screenshots at
1366 and 390 px, axe passing on each page."""

from playwright.sync_api import expect

from portal.catalog.models import Product
from portal.companies.models import Company

from .conftest import SCREENSHOTS, log_in


def test_set_a_price_quote_the_upsell_and_the_customer_accepts(
    page, chromium, accessibility, live_server, settings, demo_data, screenshot
):
    settings.SITE_URL = live_server.url  # the link the MSP sends names this server
    s1 = Product.objects.get(code="S1")
    northwind = Company.objects.get(name="Northwind Traders")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Price Book").click()
    row = page.locator(f"#p{s1.pk}")
    row.get_by_label("Sell at").select_option("price")
    row.get_by_label("Price or markup").fill("4.00")
    row.get_by_role("button", name="Save S1").click()
    expect(page.get_by_text("Saved your price of S1: 4.00 per unit.")).to_be_visible()

    page.goto(f"/companies/{northwind.pk}/")
    expect(page.locator("#your-prices")).to_contain_text("USD 716.10 (26.3%)")

    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("700")
    page.get_by_label("Total Number of Seats").press("Tab")
    # 700 x 2.95 = 2,065.00 contracted; 700 x 4.00 = 2,800.00 at Acme's price.
    expect(page.locator("#your-margin")).to_contain_text(
        "New Monthly FeesUSD 2,065.00USD 2,800.00USD 735.00"
    )
    screenshot("customer-quote-change-margin-1366")
    page.get_by_role("button", name="Save Quote").click()
    page.goto(f"/companies/{northwind.pk}/#saved-quotes")
    page.locator("#saved-quotes").get_by_role("button", name="Customer quote").click()
    expect(page.get_by_role("heading", name="Customer quote Q-")).to_be_visible()
    expect(page.locator("#quote-lines")).to_contain_text("USD 2,800.00")
    screenshot("customer-quote-msp-1366")
    link = page.get_by_label("Link for the customer (no login needed)").input_value()

    # The customer's own browser: no session of the MSP's; axe watches it too.
    customer = chromium.new_context(viewport={"width": 1366, "height": 900})
    accessibility.watch(customer)
    try:
        other = customer.new_page()
        other.set_default_timeout(10_000)
        other.goto(link)
        expect(other.get_by_role("heading", name="Quote Q-")).to_contain_text(
            "for Northwind Traders"
        )
        expect(other.locator("#quote")).to_contain_text("700USD 4.00USD 2,800.00")
        expect(other.locator("#quote")).not_to_contain_text("2.95")
        accessibility.page = other
        for width in (390, 1366):
            other.set_viewport_size({"width": width, "height": 900})
            accessibility.check()
            other.screenshot(
                path=str(SCREENSHOTS / f"customer-quote-public-{width}.png"), full_page=True
            )
        accept = other.locator("#accept")
        accept.get_by_label("Your name").fill("Nancy Davolio")
        accept.get_by_label("Your title").fill("IT Director")
        accept.get_by_label("I accept this quote").check()
        accept.get_by_role("button", name="Accept quote").click()
        expect(other.locator("#answer")).to_contain_text("Accepted on")
        expect(other.locator("#answer")).to_contain_text("Nancy Davolio, IT Director")
    finally:
        accessibility.page = page
        customer.close()

    page.reload()
    expect(page.locator("#quote-status")).to_contain_text("Nancy Davolio, IT Director")
    page.get_by_role("link", name="Review Change Order").click()
    expect(page.get_by_role("heading", name="Change Order Summary")).to_be_visible()
    expect(page.locator("table.summary")).to_contain_text("700")
    screenshot("customer-quote-review-1366")
