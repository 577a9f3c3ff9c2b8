"""The accessibility check every browser test runs (tests/browser/conftest.py): axe-core from its
npm package, in the page, without touching the page's strict CSP."""

from .conftest import log_in


def test_the_check_names_the_rule_the_element_and_the_page(page, demo_data, accessibility):
    log_in(page, "admin@acme-msp.example")
    assert accessibility.found == []

    # A field with no label, as a template could slip one in.
    page.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<input id="nameless" type="text">')"""
    )
    accessibility.check()

    found = "\n".join(accessibility.found)
    assert "label (critical) on " in found
    assert "#nameless" in found
    assert page.url in found
    accessibility.found.clear()  # seen: the test itself passes


def test_a_page_is_checked_when_it_loads_before_the_test_moves_on(page, demo_data, accessibility):
    # A page of the portal's address with an image that says nothing, left at once.
    page.route(
        "**/a-page-with-a-nameless-image/",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="en"><title>t</title><main><h1>t</h1>'
            '<img src="/static/favicon.svg" id="no-alt"><a href="/accounts/login/">on</a></main>',
        ),
    )
    page.goto("/a-page-with-a-nameless-image/")
    page.get_by_role("link", name="on").click()
    page.wait_for_url("**/accounts/login/")

    found = "\n".join(accessibility.found)
    assert "image-alt (critical) on " in found and "/a-page-with-a-nameless-image/" in found
    assert "#no-alt" in found
    accessibility.found.clear()
