"""The Price Book on the demo data: Acme's Admin sets S1 at 4.00 a seat, sees it beside the
contracted tiers with the margin, then opens Northwind Traders and reads its margin on 682 seats;
at 1366 and 390 px (screenshots), axe passing on each."""

from playwright.sync_api import expect

from portal.catalog.models import Product
from portal.companies.models import Company

from .conftest import log_in


def test_set_a_price_and_see_the_margin_on_northwind(page, demo_data, screenshot):
    s1 = Product.objects.get(code="S1")
    northwind = Company.objects.get(name="Northwind Traders")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")

    page.get_by_role("link", name="Price Book").click()
    expect(page.get_by_role("heading", name="Price Book")).to_be_visible()
    row = page.locator(f"#p{s1.pk}")
    row.get_by_label("Sell at").select_option("price")
    row.get_by_label("Price or markup").fill("4.00")
    row.get_by_role("button", name="Save S1").click()

    expect(page.get_by_text("Saved your price of S1: 4.00 per unit.")).to_be_visible()
    row = page.locator(f"#p{s1.pk}")
    # The 500-seat tier: 2.95 contracted, 4.00 sold, 1.05 a seat of margin.
    expect(row.locator("table.tiers tbody tr").nth(2)).to_have_text("500USD 2.95USD 4.00USD 1.05")
    screenshot("price-book-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("price-book-390")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/companies/{northwind.pk}/")
    section = page.locator("#your-prices")
    expect(section).to_contain_text("S1 — Email Security Cloud Gateway")
    expect(section).to_contain_text("USD 4.00 (4.00 per unit, price book)")
    # 682 x 2.95 = 2,011.90 at cost; 682 x 4.00 = 2,728.00; 716.10 of margin (exactly 26.25%: 26.3).
    expect(section.locator("table.your-totals tbody tr").first).to_have_text(
        "Total Monthly FeesUSD 2,011.90USD 2,728.00USD 716.10"
    )
    expect(section).to_contain_text("USD 716.10 (26.3%)")
    section.screenshot(
        path=str(
            screenshot("customer-your-prices-1366").with_name(
                "customer-your-prices-section-1366.png"
            )
        )
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    section = page.locator("#your-prices")
    section.scroll_into_view_if_needed()
    section.screenshot(
        path=str(
            screenshot("customer-your-prices-390").with_name("customer-your-prices-section-390.png")
        )
    )
