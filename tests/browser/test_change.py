"""The seeds' change orders in Chromium: Northwind's upsell 682 → 700 and Fabrikam's downsell
350 → 200, from Change Options to the Agreements of the customer page."""

from playwright.sync_api import expect

from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company

from .conftest import log_in, run_worker_while_page_waits


def open_customer(page, name: str) -> None:
    page.get_by_role("link", name="Complete", exact=True).click()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def review_and_submit(page) -> None:
    page.get_by_role("button", name="Review Order").click()
    expect(page.get_by_role("heading", name="Change Order Summary")).to_be_visible()
    submit = page.get_by_role("button", name="Submit", exact=True)
    page.get_by_label("Order Number", exact=True).fill("PO-SEED")
    expect(submit).to_be_hidden()
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    expect(submit).to_be_hidden()
    page.get_by_label("authorised to place this order").check()
    expect(submit).to_be_visible()


def test_northwind_upsell_from_682_to_700(page, demo_data, screenshot, settings):
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Northwind Traders")
    page.get_by_role("link", name="Change Options").click()

    page.get_by_label("Total Number of Seats").fill("700")
    page.get_by_label("Total Number of Seats").press("Tab")
    changes = page.locator("#preview table.changes")
    expect(changes).to_contain_text("-682")
    expect(changes).to_contain_text("700")
    expect(changes).to_contain_text("USD -2,011.90")
    expect(changes).to_contain_text("USD 2,065.00")
    expect(page.locator("#preview")).to_contain_text("New Total Monthly Fees")
    screenshot("change-preview-upsell")

    review_and_submit(page)
    expect(page.locator("table.summary")).to_contain_text("682")
    screenshot("change-review-upsell")
    page.get_by_role("button", name="Submit", exact=True).click()

    confirmation = page.get_by_text("Upsell Pending Order submitted for Northwind Traders")
    expect(confirmation.first).to_be_visible()
    agreements = page.locator("#agreements")
    expect(agreements).to_contain_text("Upsell Pending Order")
    expect(page.get_by_role("button", name="Change Options")).to_be_disabled()
    screenshot("change-agreements-upsell")
    northwind = Company.objects.get(name="Northwind Traders")
    assert northwind.agreements.get(version=2).status == Agreement.Status.UPSELL_PENDING

    # Synced by the simulated provisioner: version 2 in effect, Change Options open again.
    run_worker_while_page_waits(page)
    expect(agreements.locator("#agreement-2")).to_contain_text("Active")
    expect(agreements.locator("#agreement-1")).to_contain_text("Superseded")
    expect(page.get_by_role("link", name="Change Options")).to_be_visible()
    screenshot("change-synced-upsell")


def test_fabrikam_downsell_from_350_to_200(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")
    page.get_by_role("link", name="Change Options").click()

    page.get_by_label("Total Number of Seats").fill("200")
    page.get_by_label("Total Number of Seats").press("Tab")
    changes = page.locator("#preview table.changes")
    expect(changes).to_contain_text("-350")
    expect(changes.locator("tr", has_text="C1")).to_have_count(2)
    expect(changes.locator("tr", has_text="S1")).to_have_count(2)
    screenshot("change-preview-downsell")

    review_and_submit(page)
    expect(page.get_by_role("heading", name="Downsell Notice")).to_be_visible()
    screenshot("change-review-downsell")
    page.get_by_role("button", name="Submit", exact=True).click()

    expect(page.get_by_text("Downsell Pending Order submitted").first).to_be_visible()
    expect(page.locator("#agreements")).to_contain_text("Downsell Pending Order")
    screenshot("change-agreements-downsell")
    fabrikam = Company.objects.get(name="Fabrikam Logistics")
    lines = fabrikam.agreements.get(version=2).lines.all()
    assert sorted((line.code, line.quantity) for line in lines) == [("C1", 200), ("S1", 200)]


def screenshots(page, screenshot, name: str) -> None:
    """The page as a laptop (1366 px) and a phone (390 px) show it."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_preview_opens_with_the_current_products_and_names_the_tier_moved_into(
    page, demo_data, screenshot
):
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")
    page.get_by_role("link", name="Change Options").click()

    preview = page.locator("#preview")
    expect(preview.get_by_role("heading", name="Current products")).to_be_visible()
    expect(preview.locator("tr", has_text="S1")).to_contain_text("350")
    expect(preview.locator("tr", has_text="C1")).to_contain_text("USD 385.00")
    expect(preview).to_contain_text("USD 1,505.00")
    screenshots(page, screenshot, "change-preview-opens")

    page.get_by_label("Total Number of Seats").fill("200")
    page.get_by_label("Total Number of Seats").press("Tab")
    changes = page.locator("#preview table.changes")
    expect(changes.locator("tr", has_text="S1").last).to_contain_text("Tier 1–249 seats: USD 3.50")
    expect(changes.locator("tr", has_text="C1").last).to_contain_text("Tier 1–249 seats: USD 1.25")
    expect(changes.locator("tr", has_text="-350").first).not_to_contain_text("Tier")
    screenshots(page, screenshot, "change-preview-tier")


def test_the_review_of_an_upgrade_shows_a_dash_where_a_version_lacks_the_product(
    page, demo_data, screenshot
):
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Northwind Traders")
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("700")
    page.get_by_label("Select New").check()
    page.get_by_label("New product").select_option("S2")
    expect(page.locator("#preview")).to_contain_text("Products added")

    page.get_by_role("button", name="Review Order").click()
    summary = page.locator("table.summary")
    expect(summary).not_to_contain_text("None")
    s1, s2 = summary.locator("tbody tr").nth(0), summary.locator("tbody tr").nth(1)
    expect(s1.locator("td").nth(3)).to_have_text("—")  # S1 is not in the new version
    expect(s2.locator("td").nth(2)).to_have_text("—")  # S2 was not in the prior one
    expect(s2.locator("td").nth(3)).to_have_text("700")
    screenshots(page, screenshot, "change-review-upgrade")


def test_review_then_cancel_discards_and_only_save_quote_keeps(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Northwind Traders")
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("750")

    page.get_by_role("button", name="Review Order").click()
    expect(page.get_by_role("heading", name="Change Order Summary")).to_be_visible()
    expect(page.get_by_text("Cancel discards this change")).to_be_visible()
    screenshots(page, screenshot, "change-review-unsaved")
    page.get_by_role("link", name="Cancel", exact=True).click()

    expect(page.get_by_role("heading", name="Northwind Traders", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Saved quotes")).to_have_count(0)
    assert not ChangeOrder.objects.exists()

    # Back to Change Options keeps what was typed; Save Quote keeps the quote.
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("750")
    page.get_by_role("button", name="Review Order").click()
    page.get_by_role("button", name="Back to Change Options").click()
    expect(page.get_by_label("Total Number of Seats")).to_have_value("750")
    page.get_by_role("button", name="Save Quote").click()
    expect(page.get_by_role("heading", name="Saved quotes")).to_be_visible()
    screenshots(page, screenshot, "change-saved-quote")
    assert ChangeOrder.objects.get().seats == 750

    # A saved quote changed on review and cancelled stays as it was saved.
    page.get_by_role("link", name="Open").click()
    page.get_by_label("Total Number of Seats").fill("800")
    page.get_by_role("button", name="Review Order").click()
    expect(page.get_by_text("stays as it was saved")).to_be_visible()
    page.get_by_role("link", name="Cancel", exact=True).click()
    expect(page.locator("#saved-quotes")).to_contain_text("682 → 750")
    assert ChangeOrder.objects.get().seats == 750
