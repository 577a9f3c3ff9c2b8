"""The strict Content-Security-Policy in Chromium: the demo Admin walks the main pages (htmx
typing included), the API docs and, as vendor staff, the console, and the browser reports no
policy violation, no console message and no script error on the way."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.companies.models import Company
from portal.webhooks.models import Event
from portal.webhooks.services import endpoint_create

from .conftest import log_in

# Chromium tells the page about each blocked script, style or image with this event; the
# listener is added by the driver before any of the page's own code runs.
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
    + (event.sourceFile ? ` (${event.sourceFile}:${event.lineNumber})` : "")
  );
});
"""


@pytest.fixture
def problems(page):
    found = []
    page.expose_function("reportViolation", lambda text: found.append(f"CSP: {text}"))
    page.add_init_script(LISTEN)
    page.on("console", lambda message: found.extend(console_problem(message)))
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    page.on("response", lambda response: found.extend(failed_load(response)))
    return found


def console_problem(message) -> list[str]:
    # A failed load is told by its response below, with its address, not by this line.
    if message.text.startswith("Failed to load resource"):
        return []
    return [f"console {message.type}: {message.text}"]


def failed_load(response) -> list[str]:
    if response.status < 400:
        return []
    return [f"{response.status} {response.url}"]


def settle(page) -> None:
    # Anything the page does on load (htmx, Swagger UI) has run and reported by now.
    page.wait_for_load_state("networkidle", timeout=30_000)


def test_the_main_pages_run_under_the_strict_policy_without_a_violation(
    page, demo_data, screenshot, problems
):
    admin = User.objects.get(email="admin@acme-msp.example")
    endpoint = endpoint_create(
        partner=admin.partner,
        actor=admin,
        url="https://psa.example/hooks",
        events=[Event.ORDER_SUBMITTED],
    )
    northwind = Company.objects.get(name="Northwind Traders")
    draft = Company.objects.filter(partner=admin.partner).order_by("name_key").first()

    log_in(page, admin.email)
    expect(page.get_by_role("link", name="Prospect List")).to_be_visible()
    settle(page)

    page.get_by_role("link", name="Prospect List").click()
    page.get_by_role("searchbox").fill("North")
    page.get_by_role("searchbox").press("Enter")
    settle(page)
    screenshot("csp-prospect-list")

    page.get_by_role("link", name="Create Prospect").first.click()
    page.get_by_label("Company Name").fill("Contoso Pharmaceuticals")
    page.get_by_label("Permitted Users").fill("120")
    settle(page)

    page.get_by_role("link", name="Upload Prospects").click()
    expect(page.get_by_role("heading", name="Upload Prospects")).to_be_visible()
    settle(page)

    # The order form: htmx recalculates the quote as the seats change.
    page.goto(f"/orders/{draft.pk}/")
    page.get_by_label("Permitted Users").fill("333")
    expect(page.locator("#quote")).to_contain_text("Total Monthly Fees")
    page.get_by_label("Server OS", exact=True).select_option(label="Linux")
    expect(
        page.get_by_label("Server OS Edition").locator("option", has_text="Debian 12")
    ).to_have_count(1)
    settle(page)
    screenshot("csp-order-form")

    # A customer, then Change Options with the preview typed live and the review page.
    page.goto(f"/companies/{northwind.pk}/")
    expect(page.get_by_role("heading", name="Northwind Traders", exact=True)).to_be_visible()
    page.get_by_role("link", name="Change Options").click()
    seats = page.get_by_label("Total Number of Seats")
    seats.fill("")
    seats.press_sequentially("700", delay=50)  # key by key, as htmx sees typing
    expect(page.locator("#preview table.changes")).to_contain_text("700")
    settle(page)
    screenshot("csp-change-preview")
    page.get_by_role("button", name="Review Order").click()
    expect(page.get_by_role("heading", name="Change Order Summary")).to_be_visible()
    page.get_by_label("Order Number", exact=True).fill("PO-CSP")  # Submit waits for it too
    page.get_by_label("governed by the Managed Service Providers Agreement").check()
    page.get_by_label("authorised to place this order").check()
    expect(page.get_by_role("button", name="Submit", exact=True)).to_be_visible()
    settle(page)

    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Sam Sales").first.click()
    settle(page)

    page.get_by_role("link", name="Security Log").click()
    page.get_by_label("Event").select_option(label="Signed in")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="Signed in").first).to_be_visible()
    settle(page)
    screenshot("csp-security-log")
    page.get_by_role("link", name="Sign-in and security").click()
    expect(page.get_by_text("This browser")).to_be_visible()
    page.get_by_role("link", name="Change password").click()
    expect(page.get_by_label("Old password")).to_be_visible()
    settle(page)

    # The new token is selected with one click (a handler in portal.js, not inline).
    page.get_by_role("link", name="API Tokens").click()
    page.get_by_label("Token name").fill("CSP check")
    page.get_by_role("button", name="Create Token").click()
    token = page.get_by_label("Your new token")
    token.click()
    assert token.evaluate("(field) => field.selectionEnd - field.selectionStart") == len(
        token.input_value()
    )
    settle(page)

    page.get_by_role("link", name="Webhooks").click()
    page.goto(f"/webhooks/{endpoint.pk}/")
    expect(page.get_by_role("button", name="Send test")).to_be_visible()
    settle(page)
    screenshot("csp-webhook")

    page.get_by_role("link", name="API Documentation").click()
    # The schema is made on first use: seconds on a busy machine.
    expect(page.get_by_role("heading", name="MSP Partner Portal API")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Submit Order").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    settle(page)
    screenshot("csp-api-docs")
    # Closed again before axe looks at the page as the test leaves it: an open operation has
    # Swagger UI's own copy-path button, smaller than WCAG's 24 px target (not the portal's).
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body")).to_have_count(0)

    assert problems == [], "\n".join(problems)


def test_the_vendor_console_runs_under_the_strict_policy_without_a_violation(
    page, demo_data, screenshot, problems
):
    staff = User.objects.get(email="staff@vendor.example")
    admin = User.objects.get(email="admin@acme-msp.example")

    page.goto("/admin/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    settle(page)
    log_in(page, staff.email)
    page.goto("/admin/")
    expect(page.locator("#sync-summary")).to_be_visible()
    assert (
        page.locator("#sync-summary td").first.evaluate(
            "(cell) => getComputedStyle(cell).textAlign"
        )
        == "right"
    )
    settle(page)
    screenshot("csp-console")

    page.goto("/admin/accounts/user/")
    page.locator("input[name=_selected_action]").first.check()
    settle(page)
    page.goto(f"/admin/accounts/user/{admin.pk}/change/")
    expect(page.locator("#content h1")).to_have_text("Change user")
    settle(page)
    screenshot("csp-console-user")
    page.goto("/admin/accounts/partner/add/")
    settle(page)

    assert problems == [], "\n".join(problems)
