"""A new prospect, ordered through Review Order, becomes a customer under Customers | In
Progress; the totals update as seats change; once its Request for Information is answered and
the simulated provisioner has confirmed, the customer is under Customers | Complete (the RFI
itself, in the browser, is walked in test_rfi.py)."""

from playwright.sync_api import expect

from portal.companies.models import Company
from portal.core.models import OutgoingMessage
from tests.fixtures.sync import answer_rfi

from .conftest import log_in, run_worker_while_page_waits


def test_order_a_new_prospect_and_find_the_customer_in_progress(
    page, demo_data, screenshot, settings
):
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    log_in(page, "admin@acme-msp.example")
    page.goto("/prospects/new/")
    page.get_by_label("Company Type").select_option(label="End customer")
    page.get_by_label("Company Name").fill("Tailspin Toys Incorporated")
    page.get_by_label("Domain").fill("tailspin-toys.example")
    page.get_by_label("Sector").select_option(label="Retail")
    page.get_by_label("Implementation Lead").select_option(label="Lee Lead")
    page.get_by_label("Permitted Users").fill("682")
    page.get_by_label("S1 — Email Security Cloud Gateway").check()
    page.get_by_role("button", name="Review Order").click()

    expect(page.get_by_role("heading", name="Order for Tailspin Toys Incorporated")).to_be_visible()
    quote = page.locator("#quote")
    expect(quote).to_contain_text("Total Monthly Fees")
    expect(quote).to_contain_text("USD 2,011.90")  # 682 × 2.95
    submit = page.get_by_role("button", name="Submit Order")
    expect(submit).to_be_disabled()

    page.get_by_label("Permitted Users").fill("700")
    expect(page.locator("#quote")).to_contain_text("USD 2,065.00")  # live: 700 × 2.95
    page.get_by_label("C1 — Continuity").check()
    expect(page.locator("#quote")).to_contain_text("USD 2,835.00")  # + 700 × 1.10

    for label in (
        "Mail Server",
        "Archive Solution",
        "Security MSP",
        "Security On-Premise",
        "Continuity",
        "Citrix / Terminal Server",
        "AD Environment",
        "2 Factor Authentication",
    ):
        page.get_by_label(label, exact=True).select_option(label="Not Known")
    page.get_by_label("Mail Server", exact=True).select_option(
        label="Microsoft 365 / Exchange Online"
    )
    page.get_by_label("Server OS", exact=True).select_option(label="Linux")
    edition = page.get_by_label("Server OS Edition")
    expect(edition.locator("option", has_text="Debian 12")).to_have_count(1)
    edition.select_option(label="Debian 12")
    page.get_by_label("Order Number", exact=True).fill("PO-4711")
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    expect(submit).to_be_disabled()
    page.get_by_label("authorised to place this order").check()
    expect(submit).to_be_enabled()
    screenshot("order-form")

    submit.click()

    expect(page.get_by_text("Order submitted: Tailspin Toys Incorporated")).to_be_visible()
    expect(page.get_by_text("New Order Pending").first).to_be_visible()
    expect(page.get_by_text("PO-4711", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Order addendum")).to_be_visible()
    screenshot("customer-in-progress")
    company = Company.objects.get(name="Tailspin Toys Incorporated")
    assert company.status == Company.Status.IN_PROGRESS
    assert OutgoingMessage.objects.filter(template="order_submitted").count() == 1

    page.get_by_role("link", name="In Progress").click()
    expect(page.get_by_role("link", name="Tailspin Toys Incorporated")).to_be_visible()

    # The order waits for its Request for Information: once the customer's technical contact
    # has answered it, the worker delivers both and the simulated provisioner confirms; the
    # customer page, left open, updates itself.
    page.get_by_role("link", name="Tailspin Toys Incorporated").click()
    expect(page.get_by_text("is waiting for the vendor to confirm it")).to_be_visible()
    expect(page.locator("#rfi")).to_contain_text("the customer stays In Progress until then")
    answer_rfi(company)
    run_worker_while_page_waits(page)
    expect(page.locator(".page-head .badge")).to_have_text("Customer (Complete)")
    page.get_by_role("link", name="In Progress").click()
    expect(page.get_by_role("link", name="Tailspin Toys Incorporated")).to_be_hidden()
    page.get_by_role("link", name="Complete", exact=True).click()
    page.get_by_role("link", name="Tailspin Toys Incorporated").click()
    expect(page.locator("#agreements")).to_contain_text("Active")
    expect(page.get_by_role("link", name="Change Options")).to_be_visible()
    screenshot("customer-complete-after-sync")
