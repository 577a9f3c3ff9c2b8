from playwright.sync_api import expect

from .conftest import log_in


def test_acme_admin_logs_in_and_sees_the_home_page(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")

    expect(page.get_by_role("heading", level=1)).to_have_text("Acme IT Services")
    expect(page.get_by_text("Customers complete")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Traders")).to_be_visible()
    screenshot("home")

    page.get_by_role("link", name="Northwind Traders").click()
    expect(page.get_by_role("heading", name="Current products and seats")).to_be_visible()
    expect(
        page.locator("#in-effect").get_by_role("cell", name="S1 — Email Security Cloud Gateway")
    ).to_be_visible()
    screenshot("customer")


def test_wrong_password_shows_a_message(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("do not match an active account")
    screenshot("login-error")
