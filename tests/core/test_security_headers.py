"""Every page and API answer carries the strict CSP, Permissions-Policy and a no-store cache
rule; static files keep their own long cache."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

STRICT_CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def csp_directives(response) -> set[str]:
    return {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}


def assert_protected(response) -> None:
    assert csp_directives(response) == STRICT_CSP
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.fixture
def signed_in(acme_admin):
    client = Client()
    client.force_login(acme_admin)
    return client


@pytest.mark.parametrize(
    "url", ["/", "/prospects/", "/customers/complete/", "/users/", "/webhooks/"]
)
def test_a_signed_in_page_has_the_strict_policy_and_is_not_stored(signed_in, url):
    response = signed_in.get(url)

    assert response.status_code == 200
    assert_protected(response)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_api_answer_is_not_stored(acme_admin):
    from tests.fixtures.api import client_for

    response = client_for(acme_admin).get("/api/v1/prospects/")

    assert response.status_code == 200
    assert_protected(response)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_refused_api_call_is_not_stored_either(db):
    response = Client().get("/api/v1/prospects/")

    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_sign_in_page_for_anyone_has_the_same_headers(db):
    response = Client().get("/accounts/login/")

    assert response.status_code == 200
    assert_protected(response)


def test_a_page_that_asks_for_never_cache_keeps_it(signed_in):
    response = signed_in.get("/profile/")

    assert_protected(response)
    assert "must-revalidate" in response.headers["Cache-Control"]


def test_the_api_docs_keep_the_strict_policy_and_load_their_script_from_a_file(signed_in):
    page = signed_in.get("/api/docs/")
    html = page.content.decode()

    # Swagger UI draws its icons as data: images: this page, and only this one, allows them.
    assert csp_directives(page) == STRICT_CSP - {"img-src 'self'"} | {"img-src 'self' data:"}
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', html).group(1)
    script = signed_in.get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert script.headers["Cache-Control"] == "private, no-store"  # it holds the CSRF token


def test_static_files_keep_their_long_cache(db):
    response = Client().get("/static/css/portal.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]
    assert "max-age=" in response.headers["Cache-Control"]


# Served pages only: the order addenda and customer quotes are PDFs (their inline CSS is read
# by WeasyPrint) and e-mails are read in mail clients.
NOT_PAGES = {"orders/addendum.html", "changes/addendum.html", "quotes/quote_pdf.html"}
INLINE = re.compile(
    r"""\sstyle=|\son[a-z]+=|<style|<script(?![^>]*\ssrc=)|\shx-on|javascript:""", re.I
)


def test_no_template_has_inline_script_style_or_handlers():
    root = Path(settings.BASE_DIR) / "templates"
    found = []
    for path in root.rglob("*.html"):
        name = path.relative_to(root).as_posix()
        if name in NOT_PAGES or name.startswith("emails/"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []


def test_a_refused_form_explains_itself_without_inline_style(acme_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(acme_admin)

    response = client.post("/prospects/new/", {"name": "Contoso"})

    assert response.status_code == 403
    assert_protected(response)
    page = response.content.decode()
    assert "This form was not accepted" in page
    assert "<style" not in page
