"""Passkeys, with Chromium's virtual authenticator standing in for a phone or security key:
add one on the two-step settings page, then pass the second step with it."""

from playwright.sync_api import expect

from portal.accounts.models import SecurityEvent

from .conftest import log_in


def test_a_user_adds_a_passkey_and_signs_in_with_it(
    page, live_server, demo_data, settings, screenshot
):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    assert live_server.url.startswith("http://localhost:")
    browser = page.context.new_cdp_session(page)
    browser.send("WebAuthn.enable")
    browser.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, "sales@acme-msp.example")
    page.goto("/profile/two-step/")
    page.get_by_role("button", name="Add Passkey").click()
    expect(page.locator("#passkeys table")).to_contain_text("Passkey added")
    expect(page.locator("#passkeys")).not_to_contain_text("No passkeys yet")
    screenshot("two-step-passkey-added")
    assert SecurityEvent.objects.filter(kind="passkey_added", email="sales@acme-msp.example")

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("E-mail").fill("sales@acme-msp.example")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    screenshot("two-step-verify-passkey")
    with page.expect_navigation():
        page.get_by_role("button", name="Verify with Passkey").click()
    assert page.url == live_server.url + "/"
    expect(page.get_by_role("heading", name="Two-step verification")).to_have_count(0)
    page.goto("/prospects/")
    assert page.url.endswith("/prospects/")
    assert problems == []
