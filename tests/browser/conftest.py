"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Without Chromium they are skipped on a developer's machine and fail, saying why, under CI.

Every page a test shows is checked by axe-core (WCAG 2.2 AA) when it has loaded, after each htmx
swap, at each screenshot and at the test's end: a test whose pages have a violation fails, naming
the rule, its impact, the elements and the page.
"""

import json
import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# axe-core from its npm package, installed by `make test` (tools/axe/package-lock.json).
AXE = Path(settings.BASE_DIR) / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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
def page(chromium, live_server, accessibility):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    accessibility.watch(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    accessibility.page = page
    yield page
    context.close()


# The states of pages already checked in this run (the login page, the home page...), by the
# page's address, the viewport's width and a hash of its HTML: each is checked once.
CHECKED: set[str] = set()

# Runs in every document before the page's own scripts (the CSP does not apply to it: the
# driver adds it, it is no script of the page). axe runs when the page has loaded, after each
# htmx swap, and when the test asks (its end, a screenshot). axe.run keeps the page's thread
# busy until it is done, so the test's next click lands after the check, not in the middle.
AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  const checked = new Set(%(checked)s);
  const tags = %(tags)s;
  const state = () => {
    // Without the tokens that differ on every load (CSRF): the same page in the same state.
    const html = document.documentElement.outerHTML.replace(/[A-Za-z0-9_-]{32,}/g, "");
    let hash = 2166136261;
    for (let i = 0; i < html.length; i++) hash = Math.imul(hash ^ html.charCodeAt(i), 16777619);
    return `${location.pathname}${location.search} ${innerWidth}px ${(hash >>> 0).toString(16)}`;
  };
  const run = async () => {
    const now = state();
    if (checked.has(now)) return;
    checked.add(now);
    const results = await window.axe.run(document, {
      runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], preload: false,
    });
    await window.__axeReport({
      state: now,
      url: location.href,
      violations: results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 8).map((node) => node.target.join(" ")),
      })),
    });
  };
  let queue = Promise.resolve();
  window.__axeCheck = () => (queue = queue.then(run, run));
  window.addEventListener("load", window.__axeCheck);
  document.addEventListener("htmx:afterSettle", window.__axeCheck);
})();
"""


class Accessibility:
    """axe-core on each state of a page the test shows (see AXE_RUNNER), and what it found."""

    def __init__(self, source: str):
        self.source = source
        self.found: list[str] = []
        self.page = None

    def watch(self, context) -> None:
        context.expose_binding("__axeReport", lambda source, report: self.record(report))
        runner = AXE_RUNNER % {
            "checked": json.dumps(sorted(CHECKED)),
            "tags": json.dumps(AXE_TAGS),
        }
        context.add_init_script(self.source + "\n;" + runner)

    def record(self, report: dict) -> None:
        CHECKED.add(report["state"])
        for violation in report["violations"]:
            found = (
                f"{violation['id']} ({violation['impact']}) on {report['url']}: {violation['help']}"
                + "".join(f"\n    {target}" for target in violation["targets"])
            )
            if found not in self.found:  # a page polled again says it once
                self.found.append(found)

    def check(self) -> None:
        """The page as it is now."""
        page = self.page
        if page is None or page.is_closed():
            return
        try:
            page.evaluate("() => window.__axeCheck && window.__axeCheck()")
        except Exception as error:  # a page that went away under the check: nothing to see
            if "destroyed" not in str(error) and "closed" not in str(error):
                raise


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(
            f"axe-core is not installed at {AXE}: run make test (npm ci --prefix tools/axe)",
            pytrace=False,
        )
    return AXE.read_text()


@pytest.fixture
def accessibility(axe_source):
    return Accessibility(axe_source)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    accessibility = getattr(item, "funcargs", {}).get("accessibility")
    if accessibility is not None:
        accessibility.check()
        if accessibility.found:
            pytest.fail(
                "axe-core (WCAG 2.2 AA) found violations:\n" + "\n".join(accessibility.found),
                pytrace=False,
            )
    return result


@pytest.fixture
def screenshot(page, accessibility):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        accessibility.check()  # the page at this width, as the picture shows it
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
