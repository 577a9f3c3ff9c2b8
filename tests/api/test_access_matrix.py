"""Who gets what, for every operation of the API.

Every (method, path) of the generated OpenAPI schema has a row below, called with Acme's object
ids by four personas: nobody (401), another MSP's Admin (404 for Acme's objects, never 403),
an Acme Sales user (404 on the Admin-only endpoints) and an Acme Admin. "Allowed" means the
request got past authentication and tenancy: a 2xx, or a 4xx that is not 401/403/404 (a 400
for an incomplete body, a 409 for a state that refuses). No answer is a 5xx, and every error
has the one JSON shape. A new endpoint without a row here fails
``test_the_matrix_covers_every_operation_of_the_schema``.
"""

from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.fixtures.api import client_for
from tests.prospects.upload_helpers import csv_bytes, row

ANONYMOUS, OUTSIDER, SALES, ADMIN = "anonymous", "other_tenant", "sales", "admin"
PERSONAS = [ANONYMOUS, OUTSIDER, SALES, ADMIN]

ERROR_KEYS = {"status", "code", "message", "fields", "retry_after", "import_id", "import_url"}
# Names of Acme's objects: another MSP must never read them in an answer.
ACME_NAMES = (b"Contoso", b"Northwind", b"Tailspin")


def prospect_body(w) -> dict:
    return {
        "company_type": "end_customer",
        "name": "Woodgrove Bank",
        "domain": "woodgrove.example",
        "sector": "finance",
        "implementation_lead": w["lead"],
        "permitted_users": 682,
        "products": [{"code": "S1"}],
    }


def prospect_put_body(w) -> dict:
    return {**prospect_body(w), "name": "Contoso Pharmaceuticals", "domain": "contoso.example"}


def billed_batch(w) -> dict:
    return {"items": [{"customer_id": w["customer"], "product": "S1", "seats": 650}]}


def upload(_w) -> dict:
    content = csv_bytes([row("Adventure Works", "adventure.example")])
    return {"file": SimpleUploadedFile("more-prospects.csv", content)}


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # as the schema spells it
    ids: dict = field(default_factory=dict)  # path parameter -> key of the world
    body: object = None  # a dict, or a function of the world
    admin_only: bool = False
    query: str = ""
    multipart: bool = False
    needs: tuple = ()  # more fixtures

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def names_an_object(self) -> bool:
        return bool(self.ids)


P = {"id": "prospect"}
C = {"id": "customer"}
Q = {"id": "quote"}
U = {"id": "user"}
CC = {"id": "customer", "contact_pk": "contact"}
CN = {"id": "customer", "note_pk": "note"}
V1 = "/api/v1"

OPERATIONS = [
    Op("GET", f"{V1}/me/"),
    Op("GET", f"{V1}/implementation-leads/"),
    Op("GET", f"{V1}/prospects/"),
    Op("POST", f"{V1}/prospects/", body=prospect_body),
    Op("GET", f"{V1}/prospects/{{id}}/", P),
    Op("PUT", f"{V1}/prospects/{{id}}/", P, body=prospect_put_body),
    Op("PATCH", f"{V1}/prospects/{{id}}/", P, body={"permitted_users": 700}),
    Op("DELETE", f"{V1}/prospects/{{id}}/", P, admin_only=True),
    Op("POST", f"{V1}/prospects/verify-domain/", body={"domain": "mail.example"}, needs=("dns",)),
    Op("POST", f"{V1}/prospects/import/", body=upload, multipart=True),
    Op("GET", f"{V1}/prospects/imports/{{id}}/", {"id": "import"}),
    Op("GET", f"{V1}/prospects/{{id}}/order/", P),
    Op("PUT", f"{V1}/prospects/{{id}}/order/", P, body={"permitted_users": 700}),
    Op("POST", f"{V1}/prospects/{{id}}/order/preview/", P, body={}),
    # An empty order is refused (400): submitting for real would render the addendum PDF.
    Op("POST", f"{V1}/prospects/{{id}}/order/submit/", P, body={}),
    Op("GET", f"{V1}/price-list/"),
    Op("GET", f"{V1}/customers/", query="?status=complete"),
    Op("GET", f"{V1}/renewals/", query="?within=90"),
    Op("GET", f"{V1}/customers/{{id}}/", C),
    Op("GET", f"{V1}/customers/{{id}}/agreements/", C),
    Op(
        "POST",
        f"{V1}/customers/{{id}}/agreements/{{agreement_pk}}/cancel-downsell/",
        {"id": "customer", "agreement_pk": "agreement"},
    ),
    Op("PATCH", f"{V1}/customers/{{id}}/", C, body={"sector": "legal"}),
    Op("GET", f"{V1}/customers/{{id}}/contacts/", C),
    Op("POST", f"{V1}/customers/{{id}}/contacts/", C, body={"name": "Tom", "phone": "555 0100"}),
    Op("GET", f"{V1}/customers/{{id}}/contacts/{{contact_pk}}/", CC),
    Op("PATCH", f"{V1}/customers/{{id}}/contacts/{{contact_pk}}/", CC, body={"role": "CIO"}),
    Op("DELETE", f"{V1}/customers/{{id}}/contacts/{{contact_pk}}/", CC),
    Op("GET", f"{V1}/customers/{{id}}/notes/", C),
    Op("POST", f"{V1}/customers/{{id}}/notes/", C, body={"text": "Called."}),
    Op("GET", f"{V1}/customers/{{id}}/notes/{{note_pk}}/", CN),
    # The note is the Admin's: a Sales user may read it, not change it (404, as Admin-only).
    Op("PATCH", f"{V1}/customers/{{id}}/notes/{{note_pk}}/", CN, {"text": "x"}, admin_only=True),
    Op("DELETE", f"{V1}/customers/{{id}}/notes/{{note_pk}}/", CN, admin_only=True),
    Op("GET", f"{V1}/customers/{{id}}/history/", C),
    Op("GET", f"{V1}/customers/{{id}}/billed-seats/", C),
    Op("POST", f"{V1}/customers/{{id}}/billed-seats/", C, body={"product": "S1", "seats": 650}),
    # Acme's customer by its id: recorded for Acme's users; for another MSP, no customer of its
    # own (400, naming the id only).
    Op("POST", f"{V1}/billed-seats/", body=billed_batch),
    Op("GET", f"{V1}/customers/{{id}}/renewal/", C),
    Op("PATCH", f"{V1}/customers/{{id}}/renewal/", C, body={"code": "S1", "auto_renew": False}),
    Op(
        "POST",
        f"{V1}/customers/{{id}}/renewal/changes/",
        C,
        body={"code": "S1", "kind": "term", "commitment": "1y"},
    ),
    Op(
        "DELETE",
        f"{V1}/customers/{{id}}/renewal/changes/{{renewal_change_pk}}/",
        {"id": "customer", "renewal_change_pk": "renewal_change"},
    ),
    Op("GET", f"{V1}/customers/{{id}}/attachments/", C),
    Op(
        "GET",
        f"{V1}/customers/{{id}}/attachments/{{attachment_pk}}/",
        {"id": "customer", "attachment_pk": "attachment"},
    ),
    Op("GET", f"{V1}/customers/{{id}}/change-quotes/", C),
    Op("POST", f"{V1}/customers/{{id}}/change-quotes/", C, body={"seats": 700}),
    Op("POST", f"{V1}/customers/{{id}}/change-quotes/preview/", C, body={"seats": 700}),
    Op("GET", f"{V1}/change-quotes/{{id}}/", Q),
    Op("PUT", f"{V1}/change-quotes/{{id}}/", Q, body={"seats": 690}),
    Op("DELETE", f"{V1}/change-quotes/{{id}}/", Q),
    # Without the statements, refused (400): a real submit would render the addendum PDF.
    Op("POST", f"{V1}/change-quotes/{{id}}/submit/", Q, body={}),
    Op("GET", f"{V1}/users/", admin_only=True),
    Op(
        "POST",
        f"{V1}/users/",
        admin_only=True,
        body={"full_name": "Nina New", "email": "nina@example.test", "role": "sales"},
    ),
    Op("GET", f"{V1}/users/{{id}}/", U, admin_only=True),
    Op(
        "PUT",
        f"{V1}/users/{{id}}/",
        U,
        admin_only=True,
        body={"full_name": "Sam Sales", "role": "sales", "is_implementation_lead": False},
    ),
    Op("PATCH", f"{V1}/users/{{id}}/", U, admin_only=True, body={"full_name": "Sam"}),
    Op("POST", f"{V1}/users/{{id}}/deactivate/", U, admin_only=True),
    Op("POST", f"{V1}/users/{{id}}/reactivate/", U, admin_only=True),
    Op("POST", f"{V1}/users/{{id}}/invite-again/", U, admin_only=True),
]


def expected(op: Op, persona: str) -> str:
    if persona == ANONYMOUS:
        return "401"
    if persona == OUTSIDER:
        return "404" if op.names_an_object else "allowed"
    if persona == SALES and op.admin_only:
        return "404"
    return "allowed"


def cases():
    for op in OPERATIONS:
        for persona in PERSONAS:
            yield pytest.param(op, persona, id=f"{op.label} [{persona}]")


@pytest.fixture
def world(api_world):
    """Acme's objects (tests/fixtures/api.py)."""
    return api_world


@pytest.fixture
def persona_client(request):
    def make(persona: str) -> APIClient:
        if persona == ANONYMOUS:
            return APIClient()
        user = {OUTSIDER: "outsider", SALES: "acme_sales", ADMIN: "acme_admin"}[persona]
        return client_for(request.getfixturevalue(user))

    return make


def call(client: APIClient, op: Op, world: dict):
    url = op.path.format(**{name: world[key] for name, key in op.ids.items()}) + op.query
    body = op.body(world) if callable(op.body) else op.body
    if op.multipart:
        return client.generic(op.method, url, **_multipart(client, body))
    return getattr(client, op.method.lower())(url, body, format="json")


def _multipart(client: APIClient, body: dict) -> dict:
    from django.test.client import MULTIPART_CONTENT, encode_multipart

    boundary = "matrixboundary"
    return {
        "data": encode_multipart(boundary, body),
        "content_type": f"{MULTIPART_CONTENT.split(';')[0]}; boundary={boundary}",
    }


def body_of(response) -> bytes:
    if response.streaming:  # a download
        return b"".join(response.streaming_content)
    return response.content


def assert_error_shape(response) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= ERROR_KEYS, error
    assert error["status"] == response.status_code, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    for name, messages in error.get("fields", {}).items():
        assert isinstance(name, str) and messages, error
        assert all(isinstance(m, str) and m for m in messages), error


@pytest.mark.parametrize(("op", "persona"), list(cases()))
def test_each_persona_gets_its_answer_from_every_operation(
    request, op, persona, world, persona_client
):
    if "dns" in op.needs:
        request.getfixturevalue("dns_server")
    client = persona_client(persona)

    response = call(client, op, world)

    status = response.status_code
    content = body_of(response)
    detail = f"{op.label} as {persona}: {status} {content[:500]!r}"
    assert status < 500, detail
    if status >= 400:
        assert_error_shape(response)
    want = expected(op, persona)
    if want == "401":
        assert status == 401, detail
        assert response.json()["error"]["code"] == "not_authenticated", detail
    elif want == "404":
        assert status == 404, detail
        assert response.json()["error"]["code"] == "not_found", detail
    else:
        assert 200 <= status < 300 or status not in (401, 403, 404), detail
    if persona == OUTSIDER:
        assert not any(name in content for name in ACME_NAMES), detail


def schema_operations() -> set[tuple[str, str]]:
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_the_matrix_covers_every_operation_of_the_schema():
    table = [(op.method, op.path) for op in OPERATIONS]
    assert len(table) == len(set(table)), "an operation has two rows"
    in_schema = schema_operations()

    assert sorted(in_schema - set(table)) == [], "operations of the API without a matrix row"
    assert sorted(set(table) - in_schema) == [], "matrix rows for no operation of the API"


def test_the_table_names_each_path_parameter_of_its_operation():
    import re

    for op in OPERATIONS:
        assert set(re.findall(r"{(\w+)}", op.path)) == set(op.ids), op.label


@pytest.mark.parametrize("url", [f"{V1}/prospects/-1/", f"{V1}/no-such-endpoint/"])
def test_a_url_of_no_endpoint_is_answered_with_the_json_404(admin_api, url):
    response = admin_api.get(url)

    assert response.status_code == 404
    assert_error_shape(response)
