"""Two-step verification in the browser: set up with an authenticator code computed here, sign
out, sign in again with the password and a code, and walk the main pages with no CSP report."""

from base64 import b32decode

from playwright.sync_api import expect

from tests.fixtures.factories import totp_code

from .conftest import app_code

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_a_user_turns_on_two_step_signs_in_with_a_code_and_walks_the_portal(
    page, demo_data, screenshot
):
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size(WIDE)

    # Sign in with the password, and turn two-step verification on from the profile page.
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill("admin@acme-msp.example")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="API Tokens").click()
    page.get_by_role("link", name="Two-Step Verification Settings").click()
    expect(page.get_by_role("heading", name="Two-step verification", exact=True)).to_be_visible()
    screenshot("two-step-settings-off")

    page.get_by_role("button", name="Set Up Authenticator App").click()
    expect(page.locator(".qr svg")).to_be_visible()
    key = b32decode(page.get_by_label("Secret key").input_value().replace(" ", ""))
    screenshot("two-step-set-up-app")
    page.get_by_label("Code from the app").fill("000000" if totp_code(key) != "000000" else "1")
    page.get_by_role("button", name="Turn On").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.wait_for_timeout(1100)  # the library makes a second try wait a second after a miss
    page.get_by_label("Code from the app").fill(totp_code(key))
    page.get_by_role("button", name="Turn On").click()
    expect(page.get_by_text("shown only this once")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    screenshot("two-step-recovery-codes")
    page.get_by_role("link", name="I Saved Them, Continue").click()

    # Sign out, and in again: the password, then a code from the app.
    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail").fill("admin@acme-msp.example")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.goto("/prospects/")  # every page waits for the second step
    expect(page.get_by_label("Authenticator code or recovery code")).to_be_visible()
    screenshot("two-step-verify")
    page.get_by_label("Authenticator code or recovery code").fill(app_code(key, _last_t()))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("h1")).to_contain_text("Prospect")
    screenshot("two-step-prospects")

    # The main pages.
    page.get_by_role("link", name="In Progress").click()
    expect(page.locator("h1")).to_contain_text("In Progress")
    screenshot("two-step-customers")
    page.get_by_role("link", name="Complete", exact=True).click()
    page.locator("table.list tbody a").first.click()
    expect(page.locator("h1")).to_be_visible()
    screenshot("two-step-customer")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    expect(page.locator("tr", has_text="admin@acme-msp.example")).to_contain_text("On")
    screenshot("two-step-users")
    page.get_by_role("link", name="API Tokens").click()
    expect(page.locator("#two-step")).to_contain_text("On")
    screenshot("two-step-profile")
    page.get_by_role("link", name="Two-Step Verification Settings").click()
    expect(page.locator("#recovery-codes")).to_contain_text("10 of 10 left")
    screenshot("two-step-settings-on")
    page.set_viewport_size(PHONE)
    screenshot("two-step-settings-on-phone")

    csp = [text for text in problems if "Content Security Policy" in text]
    assert csp == []
    # The wrong code's page answers 400 and there is no favicon: the browser notes both.
    assert [text for text in problems if not text.startswith("Failed to load resource")] == []


def _last_t() -> int:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user__email="admin@acme-msp.example", confirmed=True).last_t
