"""Vendor staff in the console: they sync Fabrikam's downsell 350 → 200 (Scheduled until its
billing date) and read Fabrikam's time line; they change a product's term policy, a wrong
number of days told next to its field first. At 1366 px and at 390 px, without script."""

import shutil
from pathlib import Path

from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.catalog.models import Product
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from tests.fixtures.customers import change_data, review_data

from .conftest import log_in

SHOTS = Path("/tmp/shots/console")
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def submit_downsell(company: Company, seats: str) -> Agreement:
    """The MSP's admin submits the downsell, as the change form and Review Order post it."""
    msp = Client()
    msp.force_login(User.objects.get(email="admin@acme-msp.example"))
    msp.post(
        reverse("changes:start", args=[company.pk]),
        {**change_data(company, seats=seats), "save": "1"},
    )
    change = ChangeOrder.objects.filter(company=company).latest("pk")
    msp.post(reverse("changes:review", args=[change.pk]), review_data())
    change.refresh_from_db()
    assert change.status == ChangeOrder.Status.SUBMITTED
    return change.agreement


def shots(page, screenshot, name: str) -> None:
    """The page at both widths, kept with the run's screenshots and under /tmp/shots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size, suffix in ((WIDE, "1366"), (PHONE, "390")):
        page.set_viewport_size(size)
        path = screenshot(f"{name}-{suffix}")
        shutil.copy(path, SHOTS / path.name)
        # Nothing wider than the window: the page reads without scrolling sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
    page.set_viewport_size(WIDE)


def test_staff_sync_a_downsell_and_read_the_customers_time_line(
    page, demo_data, screenshot, chromium, live_server
):
    fabrikam = Company.objects.get(name="Fabrikam Logistics")
    downsell = submit_downsell(fabrikam, "200")
    assert downsell.status == Agreement.Status.DOWNSELL_PENDING

    log_in(page, "staff@vendor.example")
    page.goto("/admin/companies/agreement/?q=Fabrikam")
    page.locator(f"input[name=_selected_action][value='{downsell.pk}']").check()
    page.locator("select[name=action]").select_option(label="Mark as synced (confirm)")
    page.get_by_role("button", name="Go").click()
    effective = f"{downsell.effective_from:%Y-%m-%d}"
    expect(
        page.get_by_text(
            "1 agreement version marked as synced, taking effect later (Scheduled): "
            f"Fabrikam Logistics v2 from {effective}."
        )
    ).to_be_visible()

    page.get_by_role("link", name="Time line of Fabrikam Logistics").first.click()
    expect(page.get_by_role("heading", name="Time line of Fabrikam Logistics")).to_be_visible()
    ahead = page.locator("section.period-ahead")
    expect(ahead.get_by_role("heading", name="Version 2 Scheduled")).to_be_visible()
    expect(ahead).to_contain_text(f"From {effective}, with no end")
    expect(ahead).to_contain_text("Synced")
    now = page.locator("section.period-now")
    expect(now.get_by_role("heading", name="Version 1 Active")).to_be_visible()
    expect(now).to_contain_text(f"until {effective}")
    expect(now.get_by_role("table", name="Terms of version 1")).to_contain_text("Auto-renew")
    shots(page, screenshot, "console-time-line")

    # The same page with script turned off reads the same.
    bare = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    bare.add_cookies(page.context.cookies())
    plain = bare.new_page()
    plain.goto(page.url)
    expect(plain.locator("section.period-ahead")).to_contain_text("Version 2 Scheduled")
    expect(plain.locator("section.period-now")).to_contain_text("Version 1 Active")
    bare.close()


def test_staff_change_a_products_term_policy(page, demo_data, screenshot):
    log_in(page, "staff@vendor.example")
    page.goto("/admin/")
    page.get_by_role("link", name="Products' term policy").click()
    expect(
        page.get_by_role("heading", name="Select product's term policy to change")
    ).to_be_visible()
    shots(page, screenshot, "console-term-policy-list")

    page.locator("#result_list").get_by_role(
        "link", name="S1 — Email Security Cloud Gateway"
    ).click()
    page.get_by_label("3-year commitment").check()
    page.get_by_label("Cancellation window (days)").fill("120")
    page.get_by_role("button", name="Save", exact=True).click()
    row = page.locator(".field-cancellation_days")
    expect(row).to_contain_text("Enter the number of days, a whole number from 0 to 90.")
    shots(page, screenshot, "console-term-policy-error")

    page.get_by_label("Cancellation window (days)").fill("14")
    page.get_by_label("At the next billing date").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    s1 = page.locator("#result_list tr", has_text="S1 — Email Security Cloud Gateway")
    expect(s1).to_contain_text("Monthly, 1-year commitment, 3-year commitment")
    expect(s1).to_contain_text("14 days")
    expect(s1).to_contain_text("At the next billing date")

    product = Product.objects.get(code="S1")
    assert (product.terms_offered, product.cancellation_days) == (["monthly", "1y", "3y"], 14)
    assert history_for(product).get().changes["cancellation_days"] == [7, 14]
    page.locator("#result_list").get_by_role(
        "link", name="S1 — Email Security Cloud Gateway"
    ).click()
    expect(page.locator(".field-policy_history")).to_contain_text("7 → 14")
    shots(page, screenshot, "console-term-policy-form")
