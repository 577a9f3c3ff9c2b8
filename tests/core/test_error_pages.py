"""The error pages are the portal's own: its layout and stylesheet, the menu when signed in, and
what to do next. The 500 page shows without the database or the request."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from portal.customers.views import HomeView
from tests.fixtures.factories import make_company

STYLESHEET = '<link rel="stylesheet" href="/static/css/portal.css">'
MENU = '<nav class="menu" aria-label="Main menu">'
SKIP = '<a class="skip-link" href="#main">Skip to main content</a>'


def assert_in_layout(html: str) -> None:
    assert STYLESHEET in html
    assert SKIP in html
    assert '<main class="page" id="main" tabindex="-1">' in html
    assert 'class="card error-page"' in html


def test_an_unknown_address_is_the_portals_404_with_the_menu(client, acme_sales):
    client.force_login(acme_sales)

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert_in_layout(html)
    assert MENU in html
    assert "<h1>Page not found</h1>" in html
    assert f'href="{reverse("home")}">Go to Home</a>' in html


def test_another_msps_company_is_the_same_404_page(client, globex, acme_sales):
    other = make_company(globex, "Quartz Outsiders")
    client.force_login(acme_sales)

    response = client.get(reverse("companies:detail", args=[other.pk]))

    html = response.content.decode()
    assert response.status_code == 404
    assert_in_layout(html)
    assert "<h1>Page not found</h1>" in html
    assert "Quartz" not in html


def test_signed_out_the_404_offers_to_log_in_without_a_menu(client, db):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert_in_layout(html)
    assert MENU not in html
    assert f'href="{reverse("login")}">Log in</a>' in html


def test_a_refused_page_is_the_portals_403_with_the_menu(client, acme_sales, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr(HomeView, "get", refuse)
    client.force_login(acme_sales)

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 403
    assert_in_layout(html)
    assert MENU in html
    assert "You cannot open this page" in html
    assert "(you are Sales at Acme IT Services)" in html


def test_a_refused_form_is_in_the_layout_with_the_menu(acme_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme_admin)

    response = client.post(reverse("prospects:create"), {"name": "Contoso"})

    html = response.content.decode()
    assert response.status_code == 403
    assert_in_layout(html)
    assert MENU in html
    assert "<h1>This form was not accepted</h1>" in html


def test_a_server_error_is_the_portals_500(client, acme_sales, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get", fail)
    client.raise_request_exception = False
    client.force_login(acme_sales)

    response = client.get(reverse("home"))

    html = response.content.decode()
    assert response.status_code == 500
    assert_in_layout(html)
    assert "<h1>Something went wrong on our side</h1>" in html
    assert "boom" not in html


def test_the_500_page_needs_no_database_and_no_request():
    # No db fixture: any query here would fail the test.
    html = render_to_string("500.html")

    assert_in_layout(html)
    assert '<a class="brand" href="/">MSP Partner Portal</a>' in html


def test_a_bad_host_is_the_portals_400(client, db):
    response = client.get("/", HTTP_HOST="elsewhere.invalid")

    html = response.content.decode()
    assert response.status_code == 400
    assert_in_layout(html)
    assert "The request was not understood" in html


@pytest.mark.parametrize("path", ["/accounts/login/", "/no-such-page/"])
def test_every_page_names_the_icon_and_starts_with_the_skip_link(client, db, path):
    html = client.get(path).content.decode()

    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    body = html.split("<body", 1)[1].split(">", 1)[1]
    assert body.lstrip().startswith(SKIP)


def test_the_icons_are_served_and_favicon_ico_leads_to_them(client, db):
    svg = client.get("/static/favicon.svg")
    ico = client.get("/static/favicon.ico")

    assert svg.status_code == ico.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"".join(ico.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO header
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"


def test_the_vendor_console_names_the_icon_too(client, staff):
    client.force_login(staff)

    html = client.get(reverse("admin:index")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
