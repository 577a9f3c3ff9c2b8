"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Without Chromium they are skipped on a developer's machine and fail, saying why, under CI.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, email: str, password: str = "demo") -> None:
    """Sign in as a person would: the password, then the second step where there is one (a
    code from the user's authenticator app), or setting an app up where it is required first
    (vendor staff)."""
    from urllib.parse import urlsplit

    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    path = urlsplit(page.url).path
    if path == "/accounts/two-step/":
        pass_second_step(page, email)
    elif path == "/profile/two-step/":
        set_up_authenticator(page)


def app_code(key: bytes, last_t: int = -1) -> str:
    """The code the app shows now, or the next one if the current one was used already."""
    from django_otp.oath import TOTP

    from tests.fixtures.factories import totp_code

    return totp_code(key, steps_ahead=max(0, last_t + 1 - TOTP(key).t()))


def pass_second_step(page, email: str) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    page.get_by_label("Authenticator code or recovery code").fill(
        app_code(device.bin_key, device.last_t)
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Verify").click()


def set_up_authenticator(page) -> tuple[bytes, list[str]]:
    """From the two-step settings page: the app's secret (as an app would read it from the QR
    code or the typed key) and the recovery codes shown."""
    from base64 import b32decode

    page.get_by_role("button", name="Set Up Authenticator App").click()
    key = b32decode(page.get_by_label("Secret key").input_value().replace(" ", ""))
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Turn On").click()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name="I Saved Them, Continue").click()
    return key, codes


def run_worker_while_page_waits(page) -> None:
    """Run the task worker (in this thread) while the open page keeps polling for the sync.

    On SQLite the live server and this thread share one in-memory connection: the page's polls
    are held back while the worker runs, so the two never use it at once, and let through
    after, when the next poll finds the answer and the page reloads itself.
    """
    from django.core.management import call_command

    held = "**/agreements/*/sync/"
    page.route(held, lambda route: route.abort())
    page.wait_for_timeout(500)  # a poll already on its way comes back meanwhile
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    finally:
        page.unroute(held)
