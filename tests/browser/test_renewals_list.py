"""Customers | Renewals on the demo data: the commitments ending within 30 days, soonest first,
each with its countdown; sorted by name; a 90-day window; at 1366 and 390 px (screenshots), axe
passing on each."""

from django.utils import timezone
from playwright.sync_api import expect

from portal.companies.models import Company

from .conftest import log_in


def names(page) -> list[str]:
    return page.locator("table.list tbody tr td:first-child").all_inner_texts()


def ending_within(days: int) -> list[str]:
    """The demo's Acme customers whose commitment ends within ``days``, soonest first."""
    today = timezone.localdate()
    rows = Company.objects.filter(
        partner__name="Acme IT Services",
        commitment_ends_on__gte=today,
        commitment_ends_on__lte=today + timezone.timedelta(days=days),
    ).order_by("commitment_ends_on", "id")
    return list(rows.values_list("name", flat=True))


def test_renewals_soonest_first_sorted_by_name_and_a_longer_window(page, demo_data, screenshot):
    within_30, within_90 = ending_within(30), ending_within(90)
    assert within_30 and len(within_90) > len(within_30)  # the demo has both
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Renewals").click()
    expect(page.get_by_role("heading", name="Customers | Renewals")).to_be_visible()

    assert names(page) == within_30
    soonest = Company.objects.get(name=within_30[0])
    days = (soonest.commitment_ends_on - timezone.localdate()).days
    first = page.locator("table.list tbody tr").first
    expect(first.locator(".countdown")).to_have_text(f"in {days} days")
    expect(first.get_by_role("link")).to_have_attribute("href", f"/companies/{soonest.pk}/#renewal")
    screenshot("renewals-list-1366")

    page.get_by_role("link", name="Company Name").click()
    assert names(page) == sorted(within_30, key=str.lower)
    assert "sort=name" in page.url

    page.get_by_label("Terms ending within").select_option("90")
    page.get_by_role("button", name="Show").click()
    assert "within=90" in page.url and "sort=name" in page.url  # the sort is kept
    assert names(page) == sorted(within_90, key=str.lower)
    expect(page.locator("#renewal-window")).to_contain_text("Commitments ending")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert names(page) == sorted(within_90, key=str.lower)
    screenshot("renewals-list-390")
