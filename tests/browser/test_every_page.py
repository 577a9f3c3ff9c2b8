"""What every page has on the demo data: error pages in the portal's layout (the menu when signed
in), the portal's icon (no 404 for it), a skip link as the first Tab stop, and a Domain field that
shows a long domain whole."""

from urllib.parse import urlsplit

from playwright.sync_api import expect

from portal.customers.views import HomeView

from .conftest import log_in

LONG_DOMAIN = "contoso-pharmaceuticals-international.example.com"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def styled(page) -> bool:
    """portal.css is applied: the page's background and the card's border are its own."""
    return page.evaluate(
        """() => getComputedStyle(document.body).backgroundColor === "rgb(245, 247, 250)"
            && getComputedStyle(document.querySelector(".card")).borderRadius === "6px" """
    )


def test_the_404_page_is_in_the_layout_with_the_menu(page, demo_data, screenshot):
    page.set_viewport_size(DESKTOP)
    log_in(page, "admin@acme-msp.example")

    response = page.goto("/prospects/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    assert styled(page)
    screenshot("error-404-1366")
    page.set_viewport_size(PHONE)
    screenshot("error-404-390")

    page.get_by_role("link", name="Go to Home").click()
    assert urlsplit(page.url).path == "/"


def test_signed_out_the_404_offers_to_log_in(page, demo_data):
    response = page.goto("/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)
    assert styled(page)
    page.get_by_role("link", name="Log in").click()
    expect(page.get_by_label("E-mail")).to_be_visible()


def test_a_server_error_shows_the_portals_500_page(page, demo_data, screenshot, monkeypatch):
    log_in(page, "admin@acme-msp.example")

    def fail(*args, **kwargs):
        raise RuntimeError("a fault in the home page")

    monkeypatch.setattr(HomeView, "get", fail)
    page.set_viewport_size(DESKTOP)

    response = page.goto("/")

    assert response.status == 500
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    expect(page.get_by_text("a fault in the home page")).to_have_count(0)
    assert styled(page)
    screenshot("error-500-1366")
    page.set_viewport_size(PHONE)
    screenshot("error-500-390")


def test_no_page_asks_for_an_icon_it_does_not_get(page, demo_data):
    failed, icons = [], []

    def seen(response):
        path = urlsplit(response.url).path
        if "favicon" in path:
            icons.append((path, response.status))
        if response.status >= 400 and path != "/no-such-page/":
            failed.append(f"{response.status} {path}")

    page.on("response", seen)
    page.goto("/accounts/login/")
    log_in(page, "admin@acme-msp.example")
    for path in ["/prospects/", "/prospects/new/", "/customers/complete/", "/no-such-page/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert failed == []
    assert icons, "the browser fetched no icon at all"
    assert all(status == 200 for _path, status in icons), icons


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_main(page, demo_data, screenshot):
    page.set_viewport_size(DESKTOP)
    log_in(page, "admin@acme-msp.example")
    page.goto("/prospects/new/")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot("skip-link-1366")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    expect(page.get_by_label("Company Type")).to_be_focused()

    page.set_viewport_size(PHONE)
    page.goto("/prospects/")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot("skip-link-390")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Create Prospect").last).to_be_focused()


def test_the_domain_field_shows_a_long_domain_whole(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.set_viewport_size(DESKTOP)
    page.goto("/prospects/new/")
    domain = page.get_by_label("Domain")

    domain.fill(LONG_DOMAIN)

    width, needed = domain.evaluate("field => [field.clientWidth, field.scrollWidth]")
    assert needed <= width, f"{needed} px of text in a {width} px field"
    screenshot("domain-field-1366")

    page.set_viewport_size(PHONE)
    verify = page.get_by_role("button", name="Verify")
    field_box, verify_box = domain.bounding_box(), verify.bounding_box()
    # On a phone the field takes the whole line and Verify goes under it.
    assert verify_box["y"] >= field_box["y"] + field_box["height"]
    assert field_box["x"] + field_box["width"] <= PHONE["width"]
    screenshot("domain-field-390")
