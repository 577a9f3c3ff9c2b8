import datetime

from playwright.sync_api import expect

from portal.companies.models import Company

from .conftest import log_in


def rows(page):
    return page.locator("table.list tbody tr td:first-child").all_inner_texts()


def test_create_prospect_with_verify_then_find_and_sort_it(page, demo_data, dns_server, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Prospect List").click()
    expect(page.get_by_role("heading", name="Prospect List")).to_be_visible()
    screenshot("prospect-list")

    page.get_by_role("link", name="Create Prospect").first.click()
    page.get_by_label("Company Type").select_option(label="End customer")
    page.get_by_label("Company Name").fill("Mailwise Holdings Limited")
    page.get_by_label("Domain").fill("mail.example")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verify-result")).to_contain_text("mail.example exists (MX")
    expect(page.locator("#verify-result")).to_contain_text("No other prospect or customer")
    page.get_by_label("Website").fill("https://mail.example")
    page.get_by_label("Sector").select_option(label="Legal")
    page.get_by_label("Implementation Lead").select_option(label="Lee Lead")
    provision = datetime.date.today() + datetime.timedelta(days=10)
    page.get_by_label("Expected Provision Date").fill(provision.isoformat())
    page.get_by_label("Permitted Users").fill("140")
    page.get_by_label("S1 — Email Security Cloud Gateway").check()
    page.get_by_label("A1 — Mac Client", exact=True).check()
    page.get_by_label("Seats for A1 — Mac Client").fill("12")
    screenshot("create-prospect")
    page.get_by_role("button", name="Save Prospect and Exit").click()

    expect(page.get_by_text("Prospect Mailwise Holdings Limited created.")).to_be_visible()
    page.get_by_label("Search Prospects").fill("wise hold")
    page.get_by_role("button", name="Go").click()
    assert rows(page) == ["Mailwise Holdings Limited"]

    page.get_by_role("link", name="All", exact=True).click()
    page.get_by_label("Search Prospects").fill("")
    page.get_by_role("button", name="Go").click()
    page.get_by_role("navigation", name="First letter").get_by_role(
        "link", name="M", exact=True
    ).click()
    assert "Mailwise Holdings Limited" in rows(page)
    assert all(name.upper().startswith("M") for name in rows(page))

    page.get_by_role("link", name="All", exact=True).click()
    page.get_by_role("link", name="Permitted Users").click()
    ascending = page.locator("table.list tbody tr td.num").all_inner_texts()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Permitted Users")
    page.get_by_role("link", name="Permitted Users").click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Permitted Users")
    descending = page.locator("table.list tbody tr td.num").all_inner_texts()
    up = [int(n) for n in ascending]
    down = [int(n) for n in descending]
    assert up == sorted(up)
    assert down == sorted(down, reverse=True)
    assert down[0] >= up[-1]
    screenshot("prospect-list-sorted")

    page.get_by_role("link", name="#").click()
    assert rows(page) and all(name[0].isdigit() for name in rows(page))


def test_outsider_gets_404_on_an_acme_prospect(page, demo_data, screenshot):
    prospect = Company.objects.filter(
        partner__name="Acme IT Services", status=Company.Status.PROSPECT
    ).first()
    log_in(page, "admin@globex-msp.example")

    for path in (f"/companies/{prospect.pk}/", f"/prospects/{prospect.pk}/edit/"):
        response = page.goto(path)
        assert response.status == 404
    screenshot("outsider-404")
