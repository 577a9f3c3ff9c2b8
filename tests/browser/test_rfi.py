"""The Request for Information is part of In Progress (issue 16, item 1): after Submit Order
the new customer waits under Customers | In Progress with its RFI "Not answered"; the technical
contact fills the form through the e-mailed link; the answers go to the vendor ("Sent to
vendor"); the simulated provisioner confirms a few seconds later, the customer moves to
Customers | Complete, and the form turns read-only."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.companies.models import Company
from portal.sync.models import ProvisioningRequest
from tests.rfi.helpers import last_link

from .conftest import log_in, run_worker_while_page_waits

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def both_widths(page, screenshot, name: str) -> None:
    """The page at 1366 px and at 390 px, then back to the wide window."""
    page.set_viewport_size(WIDE)
    screenshot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-390")
    page.set_viewport_size(WIDE)


def rfi_cell(page, name: str):
    row = page.locator("table.list tbody tr", has_text=name)
    headers = page.locator("table.list thead th").all_inner_texts()
    # Headers are shown in capitals (CSS): compared as words.
    column = next(
        i for i, h in enumerate(headers) if h.lower().startswith("request for information")
    )
    return row.locator("td").nth(column)


def submit_order(page, name: str, domain: str) -> None:
    page.goto("/prospects/new/")
    page.get_by_label("Company Type").select_option(label="End customer")
    page.get_by_label("Company Name").fill(name)
    page.get_by_label("Domain").fill(domain)
    page.get_by_label("Sector").select_option(label="Retail")
    page.get_by_label("Implementation Lead").select_option(label="Lee Lead")
    page.get_by_label("Permitted Users").fill("120")
    page.get_by_label("S1 — Email Security Cloud Gateway").check()
    page.get_by_role("button", name="Review Order").click()
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
    page.get_by_label("Server OS", exact=True).select_option(label="Linux")
    page.get_by_label("Server OS Edition").select_option(label="Debian 12")
    page.get_by_label("Order Number", exact=True).fill("PO-RFI-1")
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    page.get_by_label("authorised to place this order").check()
    page.get_by_role("button", name="Submit Order").click()
    expect(page.get_by_text(f"Order submitted: {name}")).to_be_visible()


def test_the_rfi_keeps_the_new_customer_in_progress_until_the_vendor_confirms(
    page, demo_data, screenshot, settings
):
    # A few seconds, as in the demo: long enough to see "Sent to vendor" before it confirms.
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 2
    name = "Fourth Coffee Roasters Limited"
    page.set_viewport_size(WIDE)
    log_in(page, "admin@acme-msp.example")
    submit_order(page, name, "fourth-coffee.example")
    company = Company.objects.get(name=name)

    # The worker delivers the order; the simulated provisioner waits for the answers.
    page.goto(f"/companies/{company.pk}/")
    expect(page.locator("#rfi")).to_contain_text(
        "The vendor provisions the order once the answers arrive"
    )
    run_worker_while_page_waits(page)
    order = ProvisioningRequest.objects.get(company=company, action="order")
    assert order.status == "sent"
    company.refresh_from_db()
    assert company.status == Company.Status.IN_PROGRESS

    page.goto("/customers/in-progress/")
    expect(rfi_cell(page, name)).to_have_text("Not answered")
    both_widths(page, screenshot, "rfi-in-progress-not-answered")

    # The technical contact opens the e-mailed link (no login) and submits the answers.
    form = page.context.browser.new_context(base_url=page.url.split("/customers")[0])
    contact = form.new_page()
    contact.set_viewport_size(WIDE)
    contact.goto(last_link())
    contact.get_by_label("Technical contact name").fill("Tom Tech")
    contact.get_by_label("Technical contact e-mail").fill("tom@fourth-coffee.example")
    contact.get_by_label("Inbound mail hosts / IPs").fill("mx1.fourth-coffee.example")
    contact.get_by_label("Mailbox count").fill("120")
    go_live = timezone.localdate() + datetime.timedelta(days=30)
    contact.get_by_label("Desired go-live date").fill(go_live.isoformat())
    contact.get_by_role("button", name="Submit").click()
    expect(
        contact.get_by_text("your answers are saved and on their way to the vendor")
    ).to_be_visible()
    expect(contact.locator("#rfi-progress")).to_contain_text(
        "Answered, waiting to be sent to the vendor"
    )

    page.reload()
    expect(rfi_cell(page, name)).to_have_text("Answered, waiting to be sent to the vendor")

    # The worker sends the answers; the simulated provisioner confirms a few seconds later.
    run_worker_while_page_waits(page)
    page.reload()
    today = timezone.localdate().isoformat()
    expect(rfi_cell(page, name)).to_have_text(f"Sent to vendor {today}")
    both_widths(page, screenshot, "rfi-in-progress-sent-to-vendor")

    # Still editable until the vendor confirms.
    contact.reload()
    expect(contact.get_by_role("button", name="Save Changes")).to_be_visible()
    expect(contact.locator("#rfi-progress")).to_contain_text(f"Sent to vendor {today}")
    contact.set_viewport_size(PHONE)
    screenshot_page(contact, "rfi-form-sent-390")
    contact.set_viewport_size(WIDE)
    screenshot_page(contact, "rfi-form-sent-1366")

    page.wait_for_timeout(2100)  # the simulator's delay
    page.get_by_role("link", name=name).click()
    run_worker_while_page_waits(page)
    expect(page.locator(".page-head .badge")).to_have_text("Customer (Complete)")
    expect(page.locator("#rfi")).to_contain_text(f"Confirmed {today}")
    both_widths(page, screenshot, "rfi-customer-complete")

    page.goto("/customers/in-progress/")
    expect(page.get_by_role("link", name=name)).to_be_hidden()
    page.goto("/customers/complete/")
    expect(page.get_by_role("link", name=name)).to_be_visible()

    # Confirmed: the form is read-only, and says why.
    contact.reload()
    expect(
        contact.get_by_text("The vendor has confirmed the order with these answers")
    ).to_be_visible()
    expect(contact.get_by_role("button", name="Save Changes")).to_have_count(0)
    expect(contact.get_by_text("Tom Tech")).to_be_visible()
    screenshot_page(contact, "rfi-form-confirmed-1366")
    contact.set_viewport_size(PHONE)
    screenshot_page(contact, "rfi-form-confirmed-390")
    form.close()


def screenshot_page(page, name: str) -> None:
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
