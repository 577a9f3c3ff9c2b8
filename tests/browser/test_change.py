"""The seeds' change orders in Chromium: Northwind's upsell 682 → 700 and Fabrikam's downsell
350 → 200, from Change Options to the Agreements of the customer page."""

from playwright.sync_api import expect

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
