"""Customers | Reconciliation in Chromium on the demo data: the drifting customers listed by
money at stake; True up opens Change Options with the seats in use; the change submitted, the
simulated vendor provisions it and reports the day again, and the drift is gone. At 1366 and
390 px (screenshots), axe passing on each."""

from playwright.sync_api import expect

from portal.sync.simulator import simulate_usage
from portal.usage.models import Reconciliation

from .conftest import log_in, run_worker_while_page_waits
from .test_change import review_and_submit


def menu(page):
    return page.get_by_role("navigation", name="Main menu")


def acme_rows():
    return Reconciliation.objects.filter(partner__name="Acme IT Services").select_related(
        "company", "product"
    )


def test_true_up_from_reconciliation_clears_the_drift(page, demo_data, screenshot, settings):
    settings.SYNC_SIMULATOR_DELAY_SECONDS = 0
    drifting = list(acme_rows().filter(above__gt=0).order_by("-at_stake", "-id"))
    assert drifting and acme_rows().filter(below__gt=0).exists()  # the demo has both
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    menu(page).get_by_role("link", name="Reconciliation").click()
    expect(page.get_by_role("heading", name="Customers | Reconciliation")).to_be_visible()
    first = page.locator("table.list tbody tr").first
    top = acme_rows().order_by("-at_stake", "-id").first()
    expect(first).to_contain_text(top.company.name)  # the most money at stake first
    screenshot("reconciliation-1366")

    page.get_by_label("Show").select_option("above")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(min(len(drifting), 50))
    for row in drifting[:5]:
        expect(page.locator("table.list")).to_contain_text(row.company.name)

    # A primary product's true-up: an upsell to the seats in use, now.
    chosen = next(row for row in drifting if row.product.kind == "primary")
    line = rows.filter(has_text=chosen.company.name).filter(has_text=chosen.code)
    line.get_by_role("button", name=f"True up to {chosen.used:,}").click()
    expect(page.get_by_role("heading", name="Change Options", exact=True)).to_be_visible()
    expect(page.get_by_label("Total Number of Seats")).to_have_value(str(chosen.used))
    expect(page.get_by_text(f"True up: {chosen.code} set from {chosen.licensed:,}")).to_be_visible()
    screenshot("reconciliation-true-up")
    review_and_submit(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Upsell Pending Order submitted").first).to_be_visible()

    # The simulated vendor provisions the change, then reports the day's usage again.
    run_worker_while_page_waits(page)
    # The new version's own row: version 1's "Active" shows before the page reloads itself,
    # and a reload still on its way would take the page back from where the test goes next.
    version = chosen.company.agreements.order_by("-version").values_list("version")[0][0]
    expect(page.locator(f"#agreement-{version}")).to_contain_text("Active")
    simulate_usage(chosen.used_on, again=1)

    menu(page).get_by_role("link", name="Reconciliation").click()
    page.get_by_label("Search Customers").fill(chosen.company.name)
    page.get_by_role("button", name="Go").click()
    mine = page.locator("table.list tbody tr").filter(has_text=chosen.code)
    expect(mine.first).to_contain_text(f"{chosen.used:,}")
    expect(mine.first).not_to_contain_text("used above licensed")
    assert Reconciliation.objects.get(pk=chosen.pk).above == 0

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    screenshot("reconciliation-390")
