"""The seeds' downsell of Fabrikam Logistics, 350 → 200 seats of S1 and C1, in time: submitted
through Change Options, confirmed by the (simulated) vendor, it is Scheduled from the billing
date beside the 350 seats In effect now; on that date the scheduled job makes it the version in
effect. The live server runs in this process, so moving the clock (time-machine) moves its
clock too."""

import datetime

import time_machine
from playwright.sync_api import expect

from portal.companies.models import Agreement, Company
from portal.companies.schedule import versions_take_effect

from .conftest import log_in, run_worker_while_page_waits
from .test_change import open_customer, review_and_submit


def shots(page, screenshot, name: str) -> None:
    """The page as a laptop (1366 px) and a phone (390 px) show it, and its Current products
    and seats and its Agreements alone (a phone's whole page is too long to read them in)."""
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = screenshot(f"{name}-{width}")
        for part in ("current", "agreements"):
            part_path = path.with_name(f"{name}-{part}-{width}.png")
            page.locator(f"#{part}").screenshot(path=str(part_path))
    page.set_viewport_size({"width": 1366, "height": 900})


def test_the_downsell_is_scheduled_beside_what_is_in_effect_until_its_billing_date(
    page, demo_data, screenshot, settings
):
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("200")
    page.get_by_label("Total Number of Seats").press("Tab")
    expect(page.locator("#preview table.changes")).to_contain_text("-350")
    review_and_submit(page)
    expect(page.get_by_role("heading", name="Downsell Notice")).to_be_visible()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Downsell Pending Order submitted").first).to_be_visible()

    # The vendor confirms: version 2 is Scheduled from the billing date, version 1 in effect.
    run_worker_while_page_waits(page)
    fabrikam = Company.objects.get(name="Fabrikam Logistics")
    downsell = fabrikam.agreements.get(version=2)
    assert downsell.status == Agreement.Status.SCHEDULED
    billing = downsell.effective_from
    assert billing == fabrikam.next_billing_date or billing > fabrikam.next_billing_date
    on = f"{billing:%Y-%m-%d}"
    now, scheduled = page.locator("#in-effect"), page.locator("#scheduled")
    expect(now.get_by_role("heading", name="In effect now")).to_be_visible()
    expect(now).to_contain_text("350 seats")
    expect(now).to_contain_text("USD 1,505.00")  # 350 × 3.20 + 350 × 1.10
    expect(scheduled.get_by_role("heading", name=f"Scheduled from {on}")).to_be_visible()
    expect(scheduled).to_contain_text("200 seats")
    expect(scheduled).to_contain_text("150 seats fewer than in effect now")
    expect(scheduled).to_contain_text("USD 950.00")  # 200 × 3.50 + 200 × 1.25
    expect(scheduled.get_by_role("button", name="Cancel downsell")).to_be_enabled()
    expect(page.locator("#agreement-2")).to_contain_text("Scheduled")
    expect(page.locator("#agreement-2")).to_contain_text(f"from {on}")
    expect(page.locator("#agreement-1")).to_contain_text(f"– {on}")
    # Side by side on a laptop, one under the other on a phone.
    now_box, scheduled_box = now.bounding_box(), scheduled.bounding_box()
    assert scheduled_box["x"] > now_box["x"] + now_box["width"] - 1
    assert abs(scheduled_box["y"] - now_box["y"]) < 1
    # Both fit their cards at 1366 px: nothing scrolls sideways.
    for card in ("#current", "#agreements"):
        widths = page.eval_on_selector(card, "e => [e.scrollWidth, e.clientWidth]")
        assert widths[0] <= widths[1], f"{card} is {widths[0]} px wide in {widths[1]} px"
    shots(page, screenshot, "downsell-in-time-scheduled")
    page.set_viewport_size({"width": 390, "height": 844})
    now_box, scheduled_box = now.bounding_box(), scheduled.bounding_box()
    assert scheduled_box["y"] >= now_box["y"] + now_box["height"]
    page.set_viewport_size({"width": 1366, "height": 900})

    # The billing date comes: the scheduled job makes version 2 the one in effect.
    took_effect = datetime.datetime.combine(billing, datetime.time(6), tzinfo=datetime.UTC)
    with time_machine.travel(took_effect):
        assert versions_take_effect() == 1
        log_in(page, "admin@acme-msp.example")  # a month later: signed out since
        open_customer(page, "Fabrikam Logistics")

        expect(now).to_contain_text("200 seats")
        expect(now).to_contain_text(f"in effect since {on}")
        expect(now).to_contain_text("USD 950.00")
        expect(page.locator("#scheduled")).to_have_count(0)
        expect(page.locator("#agreement-1")).to_contain_text("Superseded")
        expect(page.locator("#agreement-2")).to_contain_text("Active")
        expect(page.locator("#agreement-2")).to_contain_text(f"from {on}")
        expect(page.get_by_role("button", name="Cancel downsell")).to_have_count(0)
        expect(page.locator("#details")).to_contain_text("200")
        shots(page, screenshot, "downsell-in-time-took-effect")
    fabrikam.refresh_from_db()
    assert fabrikam.permitted_users == 200
