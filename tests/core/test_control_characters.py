"""Which characters are refused, and how each kind of input says so (the walk over every input
is ``test_bad_text_everywhere``)."""

import importlib
import pkgutil

import pytest
from django import forms
from django.test import Client

import portal
from portal.accounts.models import User
from portal.companies.models import Company
from portal.core.text import SafeTextMixin, message, problem
from tests.fixtures.api import client_for
from tests.fixtures.factories import make_company

REFUSED_EVERYWHERE = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]]
REFUSED_EVERYWHERE += [chr(c) for c in range(0x7F, 0xA0)] + ["\ud800", "\udfff"]


@pytest.mark.parametrize("char", REFUSED_EVERYWHERE, ids=lambda c: f"U+{ord(c):04X}")
def test_c0_del_c1_and_lone_surrogates_are_refused_in_one_line_and_multi_line_text(char):
    assert problem(f"Acme{char}", multiline=False)
    assert problem(f"Acme{char}", multiline=True)


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_are_taken_only_by_multi_line_text(char):
    assert problem(f"Acme{char}Ltd") in ("a tab", "a line break")
    assert problem(f"Acme{char}Ltd", multiline=True) == ""


@pytest.mark.parametrize("text", ["Acme Ltd", "Société Générale", "株式会社", "Ø — ‘quoted’ €", ""])
def test_ordinary_text_is_taken(text):
    assert problem(text) == ""


def test_the_message_names_the_character():
    assert message(problem("a\x00")) == (
        "This field holds a control character (U+0000), which is not allowed: remove it."
    )


def portal_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if not module.name.endswith(".migrations") and ".migrations." not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("portal.") and cls.__module__ != "portal.core.text":
            found.append(cls)
    return found


def test_every_form_of_the_portal_refuses_control_characters():
    classes = portal_form_classes()

    assert len(classes) >= 10
    assert [c.__qualname__ for c in classes if not issubclass(c, SafeTextMixin)] == []


def test_a_search_with_a_control_character_says_so_under_the_search_box(client, acme_admin):
    make_company(acme_admin.partner, "Contoso", status=Company.Status.PROSPECT)
    client.force_login(acme_admin)

    response = client.get("/prospects/", {"q": "Con\x00"})

    assert response.status_code == 400
    html = response.content.decode()
    said = message("a control character (U+0000)", "The search")
    assert f'<p class="error" id="search-companies-error" role="alert">{said}</p>' in html
    assert 'aria-describedby="search-companies-error"' in html
    assert "Contoso" in html  # listed as if not searched


def test_an_api_search_with_a_control_character_is_a_400_naming_q(acme_admin):
    response = client_for(acme_admin).get("/api/v1/prospects/", {"q": "\x00"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "q": [message("a control character (U+0000)", "The parameter “q”")]
    }


def test_nobody_gets_the_401_before_a_refused_api_parameter(db):
    response = Client().get("/api/v1/prospects/", {"q": "\x00"})

    assert response.status_code == 401


def test_any_other_page_with_a_control_character_in_its_query_is_a_400_naming_it(
    client, acme_admin
):
    client.force_login(acme_admin)

    response = client.get("/orders/server-os-editions/", {"server_os": "Windows\x1b"})

    assert response.status_code == 400
    assert message("a control character (U+001B)", "The parameter “server_os”") in (
        response.content.decode()
    )


def test_a_forged_choice_is_a_400_naming_the_input_and_saves_nothing(client, acme_admin):
    client.force_login(acme_admin)

    response = client.post(
        "/users/new/",
        {"full_name": "Nina", "email": "nina@acme.test", "role": "sales\x00"},
    )

    assert response.status_code == 400
    assert message("a control character (U+0000)", "The input “role”") in (
        response.content.decode()
    )
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_a_typed_field_with_a_control_character_gets_its_message_and_keeps_the_rest(
    client, acme_admin
):
    client.force_login(acme_admin)

    response = client.post(
        "/users/new/", {"full_name": "Nina\x07 New", "email": "nina@acme.test", "role": "sales"}
    )

    html = response.content.decode()
    assert message("a control character (U+0007)") in html
    assert 'value="nina@acme.test"' in html
    assert 'value="Nina New"' in html  # shown again without the character
    assert not User.objects.filter(email="nina@acme.test").exists()


def test_a_multi_line_answer_keeps_its_line_breaks(client, db):
    class Notes(SafeTextMixin, forms.Form):
        name = forms.CharField()
        notes = forms.CharField(widget=forms.Textarea)

    form = Notes({"name": "Acme", "notes": "First line\r\n\tsecond line"})
    assert form.is_valid(), form.errors

    form = Notes({"name": "Acme\nLtd", "notes": "First\x00 line"})
    assert not form.is_valid()
    assert form.errors == {
        "name": [message("a line break")],
        "notes": [message("a control character (U+0000)")],
    }


def test_an_idempotency_key_with_a_control_character_is_refused(acme_admin):
    response = client_for(acme_admin).post(
        "/api/v1/prospects/",
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="key\x00",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "Idempotency-Key": [message("a control character (U+0000)", "This header")]
    }
