"""Home on the demo data: what needs attention, each a link to where the user acts; another
MSP's home says nothing needs attention. Screenshots at 1366 and 390 px."""

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company
from portal.rfi.models import InformationRequest

from .conftest import log_in

TODAY = timezone.localdate()


def due_things() -> dict[str, Company]:
    """On top of the demo's saved order (the first prospect): a quote of Northwind's that
    expires in three days, a downsell of Fabrikam's waiting for the vendor, and a new customer
    whose Request for Information is not answered."""
    northwind = Company.objects.get(name="Northwind Traders")
    ChangeOrder.objects.create(
        company=northwind,
        prior=northwind.agreements.get(version=1),
        seats=700,
        kind=ChangeOrder.Kind.UPSELL,
        currency="USD",
        valid_until=TODAY + datetime.timedelta(days=3),
    )
    fabrikam = Company.objects.get(name="Fabrikam Logistics")
    pending = Agreement.objects.create(
        company=fabrikam,
        version=2,
        status=Agreement.Status.DOWNSELL_PENDING,
        total_users=200,
        currency="USD",
    )
    ChangeOrder.objects.create(
        company=fabrikam,
        prior=fabrikam.agreements.get(version=1),
        seats=200,
        kind=ChangeOrder.Kind.DOWNSELL,
        currency="USD",
        status=ChangeOrder.Status.SUBMITTED,
        agreement=pending,
        idempotency_key=uuid.uuid4(),
        submitted_at=timezone.now(),
        effective_on=TODAY + datetime.timedelta(days=5),
        cancel_by=TODAY + datetime.timedelta(days=2),
    )
    new = Company.objects.get(name="Alpine Dental Group")
    Company.objects.filter(pk=new.pk).update(status=Company.Status.IN_PROGRESS)
    InformationRequest.objects.create(
        company=new, sent_to="lead@acme-msp.example", sent_at=timezone.now()
    )
    return {"northwind": northwind, "fabrikam": fabrikam, "rfi": new}


def test_home_lists_what_needs_attention_each_a_link_to_act(page, demo_data, screenshot):
    due = due_things()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention.get_by_role("heading", name="Saved orders not submitted")).to_be_visible()
    deadline = TODAY + datetime.timedelta(days=2)
    expect(attention).to_contain_text(f"Cancel downsell by {deadline:%Y-%m-%d}")
    screenshot("home-attention-1366")

    # The saved order opens its Review Order form.
    saved = attention.get_by_role("region", name="Saved orders not submitted")
    saved.get_by_role("link", name="100 Acre Farms").click()
    first = Company.objects.get(name="100 Acre Farms")
    assert page.url.endswith(reverse("orders:review", args=[first.pk]))
    expect(page.get_by_text("100 Acre Farms").first).to_be_visible()

    # The quote about to expire opens the change form with it.
    page.go_back()
    quotes = attention.get_by_role("region", name="Saved quotes about to expire")
    quotes.get_by_role("link", name="Northwind Traders").click()
    expect(page.get_by_label("Total Number of Seats")).to_have_value("700")

    # The downsell deadline opens the customer's Agreements, at the version to cancel.
    page.go_back()
    downsells = attention.get_by_role("region", name="Downsell cancel deadlines")
    downsells.get_by_role("link", name="Fabrikam Logistics").click()
    assert page.url.endswith(
        f"{reverse('companies:detail', args=[due['fabrikam'].pk])}#agreement-2"
    )
    expect(page.locator("#agreement-2")).to_contain_text("Downsell Pending Order")
    expect(page.get_by_role("button", name="Cancel downsell")).to_be_visible()

    # The RFI not answered opens the customer's Request for Information.
    page.go_back()
    rfis = attention.get_by_role("region", name="Requests for Information not answered")
    rfis.get_by_role("link", name="Alpine Dental Group").click()
    expect(page.locator("#rfi")).to_be_visible()

    # Counts are links to their lists (the number; the label describes it); recent activity
    # links to the company's History Log.
    page.go_back()
    page.locator('a.tile-number[aria-describedby="tile-complete"]').click()
    expect(page.get_by_role("heading", name="Customers | Complete")).to_be_visible()
    page.go_back()
    page.locator(".log a").first.click()
    assert "#history" in page.url

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(attention.get_by_role("heading", name="Waiting for the vendor")).to_be_visible()
    screenshot("home-attention-390")
    # Long names and notes wrap inside the card (the page's own width is the Menu's work).
    card = page.locator("section.attention")
    assert card.evaluate("el => el.scrollWidth <= el.clientWidth")


def test_another_msps_home_says_nothing_needs_attention(page, demo_data, screenshot):
    due_things()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "admin@globex-msp.example")
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention).to_contain_text("Nothing needs your attention.")
    expect(page.get_by_text("Northwind")).to_have_count(0)
    screenshot("home-nothing-390")
