from playwright.sync_api import expect

from portal.accounts.models import User

from .conftest import log_in


def test_admin_invites_a_user_who_can_then_be_picked_as_lead(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    screenshot("users")

    page.get_by_role("link", name="Create User").click()
    page.get_by_label("E-mail").fill("newlead@acme-msp.example")
    page.get_by_label("Full name").fill("Nora Newlead")
    page.get_by_label("Role").select_option(label="Sales")
    page.get_by_label("MSP Implementation Lead").check()
    screenshot("create-user")
    page.get_by_role("button", name="Create User").click()

    expect(page.get_by_role("cell", name="newlead@acme-msp.example")).to_be_visible()
    assert User.objects.get(email="newlead@acme-msp.example").is_implementation_lead
    page.goto("/prospects/new/")
    expect(page.get_by_label("Implementation Lead")).to_contain_text("Nora Newlead")


def test_sales_has_no_users_menu_and_gets_404(page, demo_data):
    log_in(page, "sales@acme-msp.example")

    expect(page.get_by_role("link", name="Prospect List")).to_be_visible()
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    assert page.goto("/users/").status == 404
