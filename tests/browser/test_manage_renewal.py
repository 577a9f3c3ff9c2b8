"""Manage renewal in the browser: Customers | Renewals lists the demo's Adventure Works Cycles
(S1 and A3, 430 seats on a 1-year commitment renewing in 45 days) within 60 days; its link opens
the customer page's Renewal section, where a seat reduction is scheduled for the renewal, shows
there and in the summary of what the renewal will be, and is cancelled again; htmx swaps the
section in place each time."""

import re

from playwright.sync_api import expect

from portal.companies.models import AgreementLine
from portal.renewals.models import RenewalChange

CUSTOMER = "Adventure Works Cycles"


def shots(page, screenshot, name: str) -> None:
    """The page at a laptop's (1366 px) and a phone's (390 px) width, and its Renewal section
    alone (a phone's whole page is too long to read it in)."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = screenshot(f"{name}-{width}")
        page.locator("#renewal").screenshot(path=str(path.with_name(f"{name}-section-{width}.png")))
        # Nothing in the section is wider than the screen.
        widths = page.eval_on_selector("#renewal", "e => [e.scrollWidth, e.clientWidth]")
        assert widths[0] <= widths[1], f"#renewal is {widths[0]} px wide in {widths[1]} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_seat_reduction_is_scheduled_for_the_renewal_and_cancelled(page, demo_data, screenshot):
    from .conftest import log_in

    s1 = AgreementLine.objects.get(
        agreement__company__name=CUSTOMER, agreement__status="active", code="S1"
    )
    renews = f"{s1.term_end:%Y-%m-%d}"
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    # From Customers | Renewals: the terms ending within 60 days, the customer's link.
    page.get_by_role("link", name="Renewals").click()
    page.get_by_label("Terms ending within").select_option("60")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=CUSTOMER).click()
    expect(page).to_have_url(re.compile(r"/companies/\d+/#renewal$"))

    renewal = page.locator("#renewal")
    expect(renewal.get_by_role("heading", name="Renewal", exact=True)).to_be_visible()
    expect(renewal).to_contain_text(f"At renewal on {renews} the agreement will be:")
    line = renewal.locator("#renewal-s1")
    expect(line).to_contain_text("1-year commitment")
    expect(line).to_contain_text("days left")
    expect(line).to_contain_text("Nothing: it renews as it is.")
    shots(page, screenshot, "manage-renewal-before")

    # Fewer seats for the renewal: the section is swapped in place, saying so.
    line.get_by_label("Seats at renewal").fill("300")
    line.get_by_role("button", name="Schedule fewer seats of S1").click()
    expect(renewal.get_by_role("status")).to_have_text(
        f"Scheduled for the renewal of S1 on {renews}: 300 seats."
    )
    expect(line).to_contain_text(f"Fewer seats: 300 seats on {renews}")
    summary = renewal.locator(".renewal-plan")
    expect(summary.get_by_role("row", name="S1 — Email Security Cloud Gateway")).to_contain_text(
        "300 now 430"
    )
    assert RenewalChange.objects.get(status="scheduled").seats == 300
    shots(page, screenshot, "manage-renewal-scheduled")

    # Cancelled again, until the deadline.
    line.get_by_role("button", name="Cancel fewer seats of S1").click()
    expect(renewal.get_by_role("status")).to_have_text(
        f"Cancelled for the renewal of S1 on {renews}: 300 seats."
    )
    expect(line).to_contain_text("Nothing: it renews as it is.")
    expect(
        summary.get_by_role("row", name="S1 — Email Security Cloud Gateway")
    ).not_to_contain_text("now 430")
    assert not RenewalChange.objects.filter(status="scheduled").exists()
    shots(page, screenshot, "manage-renewal-cancelled")
