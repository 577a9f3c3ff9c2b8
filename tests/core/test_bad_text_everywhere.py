"""NUL and the other control characters, fed to every input of the portal: refused with a
message naming the input, never a 500, and nothing saved.

The inputs are found, not listed: the URL patterns (walked with ``get_resolver``) give every
page and endpoint, each page's HTML gives its forms and their fields, and the OpenAPI schema
gives the API's query parameters and JSON fields. A new page, field, endpoint or parameter is
fed as soon as it exists; a new URL pattern with path parameters fails
``test_every_url_pattern_is_walked`` until ``ROUTE_IDS`` names its objects.

Run on PostgreSQL too (``DATABASE_URL``): it is there that a NUL reaching a query was a 500.
"""

import itertools
import json
from urllib.parse import quote

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from portal.api.tokens import token_create
from portal.core.text import message, problem

from .bad_text_world import (
    ALWAYS_REFUSED,
    ANONYMOUS_PAGES,
    LINE_CHARACTERS,
    LIST_PAGES,
    REGEX_ROUTES,
    ROUTE_IDS,
    admin_urls,
    hostile,
    post_forms,
    routes,
    snapshot,
    url_of,
)

ONE_LINE_REFUSED = ALWAYS_REFUSED + LINE_CHARACTERS


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.API_RATE = "100000/min"
    settings.MEDIA_ROOT = tmp_path
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def world(web_world):
    """Acme's objects behind every URL pattern (tests/fixtures/web.py)."""
    return web_world


@pytest.fixture
def msp_client(acme_admin):
    client = Client()
    client.force_login(acme_admin)
    return client


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_every_url_pattern_is_walked():
    with_parameters = {route for route in routes() if "<" in route or route in REGEX_ROUTES}

    assert sorted(with_parameters - set(ROUTE_IDS) - set(REGEX_ROUTES)) == [], (
        "URL patterns whose objects ROUTE_IDS does not name"
    )
    assert sorted(set(ROUTE_IDS) - with_parameters) == [], "ROUTE_IDS rows of no URL pattern"


def test_a_control_character_in_any_query_parameter_is_refused_with_a_400_naming_it(
    world, msp_client, staff_client
):
    # given every URL of the portal and of the vendor console, and parameters pages read
    urls = [(url_of(route, world), route, msp_client) for route in routes()]
    urls += [(url, "admin", staff_client) for url in admin_urls(world)]
    names = ["q", "sort", "letter", "page", "status", "server_os", "next", "format", "x\x00y"]
    chars = itertools.cycle(ONE_LINE_REFUSED)
    failures = []
    before = snapshot()

    for (url, route, client), name in itertools.product(urls, names):
        char = next(chars)
        value = hostile("a", char)
        # when
        response = client.get(f"{url}?{quote(name)}={quote(value)}")
        html = "" if response.streaming else response.content.decode(errors="replace")
        # then
        what = problem(name) or problem(value)
        shown = name.encode("unicode_escape").decode() if problem(name) else name
        if route.startswith("api/") and response.status_code == 400:
            fields = response.json()["error"].get("fields", {})
            ok = fields.get(shown) == [message(what, f"The parameter “{shown}”")]
        elif route in LIST_PAGES and name == "q":
            ok = message(what, "The search") in html and 'id="search-companies-error"' in html
        else:
            ok = message(what, f"The parameter “{shown}”") in html
        if response.status_code != 400 or not ok:
            failures.append((url, repr(name), repr(value), response.status_code))

    assert failures == [], "\n".join(map(str, failures))
    assert snapshot() == before


def test_a_control_character_in_any_form_field_gets_its_message_and_saves_nothing(
    world, msp_client
):
    # given the POST forms of every page, filled in as the page offers them
    chars = itertools.cycle(ONE_LINE_REFUSED)
    line_chars = itertools.cycle(ALWAYS_REFUSED)
    failures = []
    walked = set()
    before = snapshot()
    for route in routes():
        if route.startswith("api/"):
            continue
        client = Client() if route in ANONYMOUS_PAGES else msp_client
        page = client.get(url_of(route, world), follow=True)
        html = "" if page.streaming else page.content.decode(errors="replace")
        if page.status_code != 200 or "<form" not in html:
            continue
        page_url = page.request["PATH_INFO"]
        for form in post_forms(html, page_url):
            walked.add(form.actions[0])
            # when each input gets NUL with each button, and another character with one
            for control in form.targets():
                other = next(line_chars if control.multiline else chars)
                feeds = [("\x00", button) for button in form.buttons or [None]]
                feeds.append((other, form.buttons[0] if form.buttons else None))
                for char, button in feeds:
                    failures += _feed(client, form, control, button, char)
            if snapshot() != before:
                failures.append(f"{form.actions}: something was saved")
                before = snapshot()

    # then every form was fed (these among them), and each said so and saved nothing
    assert {"/accounts/login/", "/prospects/new/", "/users/new/", "/profile/"} <= walked
    assert failures == [], "\n".join(map(str, failures))


def _feed(client, form, control, button, char) -> list:
    """Posts the form with ``char`` in ``control`` to each of its actions; the problems."""
    failures = []
    data = form.data(button)
    data[control.name] = [hostile(control.value, char)]
    what = problem(data[control.name][0], multiline=control.multiline)
    for index, action in enumerate(form.actions):
        response = client.post(action, data)
        html = response.content.decode(errors="replace")
        where = f"{action} {control.name}={data[control.name][0]!r} button={button}"
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code}")
            continue
        if index:  # what htmx posts for a live preview: the form's own post says it
            continue
        if control.typed:
            said = message(what) in html
        else:
            refusal = message(what, f"The input “{control.name}”")
            said = response.status_code == 400 and refusal in html
        if not said:
            failures.append(f"{where}: {response.status_code} without the message")
    return failures


def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(spec: dict, node: dict) -> dict:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _resolve(spec, spec["components"]["schemas"][name])
    if "allOf" in node:
        merged: dict = {"properties": {}}
        for part in node["allOf"]:
            merged["properties"].update(_resolve(spec, part).get("properties", {}))
        return merged
    return node


def leaf_paths(spec: dict, node: dict, path: tuple = ()) -> list[tuple]:
    """Every leaf of a request body's schema: ``("products", 0, "code")``."""
    node = _resolve(spec, node)
    if node.get("type") == "array" and "items" in node:
        return leaf_paths(spec, node["items"], (*path, 0))
    if node.get("properties"):
        return [
            leaf
            for name, child in node["properties"].items()
            for leaf in leaf_paths(spec, child, (*path, name))
        ]
    return [path]


def body_with(path: tuple, value) -> object:
    """The smallest JSON body that holds ``value`` at ``path``."""
    for step in reversed(path):
        value = [value] if step == 0 else {step: value}
    return value


MULTILINE_API_FIELDS = {
    ("/api/v1/customers/{id}/notes/", "text"),
    ("/api/v1/customers/{id}/notes/{note_pk}/", "text"),
}


def api_operations():
    spec = schema()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield spec, path, method, operation


def api_url(path: str, world: dict) -> str:
    route = path.removeprefix("/").replace("{id}", "<int:pk>")
    route = route.replace("{agreement_pk}", "<int:agreement_pk>")
    route = route.replace("{attachment_pk}", "<int:attachment_pk>")
    route = route.replace("{contact_pk}", "<int:contact_pk>")
    route = route.replace("{note_pk}", "<int:note_pk>")
    route = route.replace("{renewal_change_pk}", "<int:renewal_change_pk>")
    return url_of(route, world)


def test_a_control_character_in_any_json_field_of_the_api_is_refused_naming_it(world, acme_admin):
    # given every field of every JSON request body of the schema
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=acme_admin, name='t')[1]}")
    chars = itertools.cycle(ONE_LINE_REFUSED)
    # A multi-line field (a view's ``multiline_fields``) takes tab and line breaks.
    always = itertools.cycle(ALWAYS_REFUSED)
    failures = []
    fed = 0
    for spec, path, method, operation in api_operations():
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        for leaf in leaf_paths(spec, content["application/json"]["schema"]):
            # A list of strings is one field: its message goes to the list's name.
            named = leaf[:-1] if leaf and leaf[-1] == 0 else leaf
            field_path = ".".join(str(step) for step in named)
            multiline = (path, field_path) in MULTILINE_API_FIELDS
            value = hostile("a", next(always if multiline else chars))
            before = snapshot()
            # when
            response = client.generic(
                method.upper(),
                api_url(path, world),
                json.dumps(body_with(leaf, value)),
                content_type="application/json",
            )
            fed += 1
            # then
            error = response.json().get("error", {}) if response.status_code == 400 else {}
            want = [message(problem(value))]
            if error.get("fields", {}).get(field_path) != want or snapshot() != before:
                failures.append((method, path, field_path, response.status_code, error))

    assert fed > 20
    assert failures == [], "\n".join(map(str, failures))


def test_a_control_character_in_a_json_field_name_is_refused(world, acme_admin):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=acme_admin, name='t')[1]}")
    before = snapshot()

    response = client.post(
        "/api/v1/prospects/", {"name\x00": "Woodgrove"}, content_type="application/json"
    )

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {"non_field_errors": [message(problem("\x00"), "A field name")]}
    assert snapshot() == before


def test_a_control_character_in_any_query_parameter_of_the_api_is_refused_naming_it(
    world, acme_admin
):
    # given every query parameter the schema documents, on every operation
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=acme_admin, name='t')[1]}")
    chars = itertools.cycle(ONE_LINE_REFUSED)
    failures = []
    fed = 0
    for _spec, path, method, operation in api_operations():
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in [*names, "q"]:
            value = hostile("a", next(chars))
            before = snapshot()
            # when
            response = client.generic(
                method.upper(), f"{api_url(path, world)}?{name}={quote(value)}"
            )
            fed += 1
            # then
            error = response.json().get("error", {}) if response.status_code == 400 else {}
            want = [message(problem(value), f"The parameter “{name}”")]
            if error.get("fields", {}).get(name) != want or snapshot() != before:
                failures.append((method, path, name, response.status_code, error))

    assert fed > 40
    assert failures == [], "\n".join(map(str, failures))
