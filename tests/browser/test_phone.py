"""Item 8, on the demo data: on a phone (390 px) every main page fits the screen, with no
sideways scroll of the page nor of a card in it (tables are cards); the Menu button opens and
closes the menu, by mouse and by keyboard, and without JavaScript the menu is simply there; the
Agreements table fits its card at 1366 px. Screenshots of each page at both widths."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.companies.models import Company

from .conftest import log_in
from .test_change import open_customer, review_and_submit

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

# How far the page, and each card or table in it, is wider than the room it has (1 px of
# rounding allowed).
OVERFLOW = """() => {
  const found = {};
  const page = document.scrollingElement.scrollWidth - window.innerWidth;
  if (page > 0) found.page = page;
  document.querySelectorAll("main .card, main table").forEach((box, i) => {
    const over = box.scrollWidth - box.clientWidth;
    const name = box.id || box.className || box.closest("[id]")?.id || i;
    if (over > 1) found[`${box.tagName.toLowerCase()}#${name}`] = over;
  });
  return found;
}"""


def overflow(page) -> dict:
    return page.evaluate(OVERFLOW)


def main_pages() -> list[tuple[str, str]]:
    """(name, address) of every main page the demo Admin has."""
    admin = User.objects.get(email="admin@acme-msp.example")
    mine = Company.objects.filter(partner=admin.partner)
    prospect = mine.filter(status="prospect").order_by("name_key").first()
    northwind = mine.get(name="Northwind Traders")
    return [
        ("home", "/"),
        ("prospect-list", "/prospects/"),
        ("prospect", f"/companies/{prospect.pk}/"),
        ("prospect-edit", f"/prospects/{prospect.pk}/edit/"),
        ("create-prospect", "/prospects/new/"),
        ("upload", "/prospects/upload/"),
        ("order", f"/orders/{prospect.pk}/"),
        ("in-progress", "/customers/in-progress/"),
        ("complete", "/customers/complete/"),
        ("customer", f"/companies/{northwind.pk}/"),
        ("change-options", f"/changes/customers/{northwind.pk}/"),
        ("users", "/users/"),
        ("security-log", "/users/security-log/"),
        ("profile", "/profile/"),
        ("sign-in-and-security", "/accounts/sessions/"),
        ("two-step", "/profile/two-step/"),
        ("webhooks", "/webhooks/"),
        ("new-webhook", "/webhooks/new/"),
    ]


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["390", "1366"])
def test_every_main_page_fits_the_screen(page, demo_data, screenshot, size):
    log_in(page, "admin@acme-msp.example")
    page.set_viewport_size(size)
    too_wide = {}
    for name, address in main_pages():
        response = page.goto(address)
        assert response.status == 200, address
        page.wait_for_load_state("networkidle")
        if found := overflow(page):
            too_wide[address] = found
        screenshot(f"phone-{name}-{size['width']}")
    assert too_wide == {}, f"wider than {size['width']} px: {too_wide}"


def test_the_console_pages_fit_a_phone(page, demo_data, screenshot):
    log_in(page, "staff@vendor.example")
    page.set_viewport_size(PHONE)
    too_wide = {}
    for address in (
        "/admin/",
        "/admin/sync/provisioningrequest/",
        "/admin/catalog/partner/",
        "/admin/accounts/user/",
    ):
        page.goto(address)
        width = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
        if width > 0:
            too_wide[address] = width
        screenshot("phone-console-" + address.strip("/").replace("/", "-") + "-390")
    assert too_wide == {}, f"wider than 390 px by: {too_wide}"


def test_the_menu_button_opens_and_closes_the_menu_on_a_phone(page, demo_data, screenshot):
    page.set_viewport_size(PHONE)
    log_in(page, "admin@acme-msp.example")
    menu = page.get_by_role("navigation", name="Main menu")
    button = page.get_by_role("button", name="Menu")

    expect(menu).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "menu-panel")
    screenshot("phone-menu-closed-390")

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert overflow(page) == {}
    screenshot("phone-menu-open-390")
    button.click()
    expect(menu).to_be_hidden()

    # By keyboard: Tab to the button, Enter opens, Tab goes into the menu, Escape closes and
    # gives the focus back, Space opens again.
    page.get_by_role("link", name="MSP Partner Portal").focus()
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('menu-button')"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Prospect List")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(menu).to_be_visible()

    menu.get_by_role("link", name="Complete").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Complete")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_a_wide_screen_shows_the_menu_without_a_menu_button(page, demo_data):
    page.set_viewport_size(LAPTOP)
    log_in(page, "admin@acme-msp.example")

    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


def test_without_javascript_the_menu_is_open_on_a_phone(chromium, live_server, demo_data):
    context = chromium.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, "admin@acme-msp.example")
        menu = page.get_by_role("navigation", name="Main menu")
        expect(menu).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
        menu.get_by_role("link", name="In Progress").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("In Progress")
    finally:
        context.close()


def test_a_list_is_cards_on_a_phone_each_value_under_its_header(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.set_viewport_size(PHONE)
    page.goto("/customers/complete/")

    row = page.locator("table.list tbody tr", has_text="Northwind Traders")
    domain = row.locator("td", has_text="northwindtraders.example")
    expect(domain).to_have_attribute("data-label", "Domain")
    label = domain.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == '"Domain"'
    assert row.evaluate("(tr) => getComputedStyle(tr).display") == "block"
    assert overflow(page) == {}
    screenshot("phone-complete-cards-390")


def test_the_agreements_table_fits_its_card_on_a_laptop(page, demo_data, screenshot):
    # Fabrikam with a downsell waiting: the longest status there is, with its dates.
    page.set_viewport_size(LAPTOP)
    log_in(page, "admin@acme-msp.example")
    open_customer(page, "Fabrikam Logistics")
    page.get_by_role("link", name="Change Options").click()
    page.get_by_label("Total Number of Seats").fill("200")
    page.get_by_label("Total Number of Seats").press("Tab")
    expect(page.locator("#preview table.changes")).to_contain_text("-350")
    review_and_submit(page)
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator("#agreements")).to_contain_text("Downsell Pending Order")

    card = page.locator("#agreements").bounding_box()
    table = page.locator("#agreements table").bounding_box()
    assert table["x"] >= card["x"] and table["x"] + table["width"] <= card["x"] + card["width"]
    addendum = page.locator("#agreements").get_by_role("link", name="Addendum v2 (PDF)")
    cell = addendum.bounding_box()
    assert cell["x"] + cell["width"] <= card["x"] + card["width"]
    screenshot("phone-agreements-1366")
    assert overflow(page) == {}

    page.set_viewport_size(PHONE)
    screenshot("phone-agreements-390")
    assert overflow(page) == {}
