from playwright.sync_api import expect

from .conftest import log_in

PHONE = {"width": 390, "height": 844}


def test_a_user_chooses_the_daily_digest_and_an_admin_the_msps_days(page, demo_data, screenshot):
    log_in(page, "admin@acme-msp.example")
    page.goto("/profile/")
    page.get_by_role("link", name="Reminder Preferences").click()
    expect(page.get_by_role("heading", name="Reminders", exact=True)).to_be_visible()

    page.get_by_label("Term ending").select_option(label="In the daily digest")
    page.get_by_label("Saved order not submitted").select_option(label="Off")
    page.get_by_role("button", name="Save Preferences").click()
    expect(page.get_by_text("Your reminder preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Term ending")).to_have_value("digest")

    page.get_by_label("Days before a term ends").fill("90, 0")
    page.get_by_role("button", name="Save Days").click()
    expect(page.get_by_text("Each number of days must be from 1 to 365.")).to_be_visible()
    page.get_by_label("Days before a term ends").fill("90, 30, 7")
    page.get_by_role("button", name="Save Days").click()
    expect(page.get_by_text("The days before a term ends are saved for your MSP.")).to_be_visible()
    expect(page.get_by_label("Days before a term ends")).to_have_value("90, 30, 7")
    screenshot("reminder-preferences-1366")
    page.set_viewport_size(PHONE)
    screenshot("reminder-preferences-390")
