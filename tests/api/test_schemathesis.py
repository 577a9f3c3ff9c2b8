"""The API against its own OpenAPI schema, fuzzed by Schemathesis in-process (WSGI).

For every operation of the schema, generated requests under Acme's Admin token — with Acme's
real object ids most of the time, so the endpoints work on real prospects, customers, quotes,
imports and users — must get no 5xx, a documented status code, a documented content type and a
body that conforms to the documented response schema. Then, with Globex's Admin token, every
operation that names an object must answer Acme's ids with 404 only.

Each operation is one pytest test with its own data (a transactional test: the WSGI app runs in
this thread but commits like in production), so a DELETE or a submit only changes what the later
examples of the same operation see — and a 404 or 409 they then get is documented. The DNS of
Verify is a local server; e-mail goes to Django's test outbox; SYNC_VENDOR_URL is empty.
"""

import re
import uuid

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from portal.api.tokens import token_create
from portal.companies.services import attachment_add
from tests.fixtures.customers import make_customer
from tests.prospects.upload_helpers import csv_bytes, row

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation, Acme's token
CROSS_EXAMPLES = 6  # per operation that names an object, Globex's token

SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
SCHEMA.app = application
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
OBJECT_OPERATIONS = [op for op in OPERATIONS if "{" in op.path]

# Which of the world's objects a path's ``{id}`` names, by the path's beginning.
ID_OF = [
    ("/api/v1/prospects/imports/", "import"),
    ("/api/v1/prospects/", "prospect"),
    ("/api/v1/customers/", "customer"),
    ("/api/v1/change-quotes/", "quote"),
    ("/api/v1/users/", "user"),
]
OTHER_IDS = {"agreement_pk": "agreement", "attachment_pk": "attachment"}


def real_ids(operation, world: dict) -> dict:
    ids = {}
    for name in re.findall(r"{(\w+)}", operation.path):
        if name == "id":
            ids[name] = next(world[key] for start, key in ID_OF if operation.path.startswith(start))
        else:
            ids[name] = world[OTHER_IDS[name]]
    return ids


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {token_create(user=user, name='schemathesis')[1]}"}


@pytest.fixture
def world(
    settings,
    tmp_path,
    dns_server,
    infrastructure_choices,
    acme,
    acme_admin,
    acme_sales,
    outsider,
    prospect,
    price_list,
):
    """Acme's objects, committed: a prospect, a customer with its agreement and an attachment,
    a saved change quote, an upload of prospects; and both Admins' tokens."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SYNC_VENDOR_URL = ""
    customer = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    attachment = attachment_add(
        company=customer,
        name="addendum.pdf",
        content=b"%PDF-1.4 an addendum",
        content_type="application/pdf",
        actor=acme_admin,
    )
    acme_token = bearer(acme_admin)
    api = APIClient(headers=acme_token)
    quote = api.post(f"/api/v1/customers/{customer.pk}/change-quotes/", {"seats": 700}, "json")
    assert quote.status_code == 201, quote.content
    content = csv_bytes([row("Tailspin Toys", "tailspin.example")])
    imported = api.post(
        "/api/v1/prospects/import/",
        {"file": SimpleUploadedFile("prospects.csv", content)},
        format="multipart",
    )
    assert imported.status_code == 201, imported.content
    return {
        "prospect": prospect.pk,
        "customer": customer.pk,
        "agreement": customer.agreements.get().pk,
        "attachment": attachment.pk,
        "quote": quote.json()["id"],
        "import": imported.json()["id"],
        "user": acme_sales.pk,
        "acme": acme_token,
        "globex": bearer(outsider),
    }


def fuzz(strategy, examples: int):
    """Run ``test(case)`` on ``examples`` generated cases: small, no deadline, no database of
    examples (nothing written to the working tree)."""

    def decorate(test):
        return settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )(given(case=strategy)(test))

    return decorate


def any_ids(operation):
    """Path parameters that may name no object (a negative one matches no route at all)."""
    names = re.findall(r"{(\w+)}", operation.path)
    return st.fixed_dictionaries({name: st.integers(-(2**31), 2**31 - 1) for name in names})


def strategy_for(operation, world: dict):
    ids = real_ids(operation, world)
    if not ids:
        return operation.as_strategy()
    real = operation.as_strategy(path_parameters=ids)
    other = any_ids(operation).flatmap(lambda n: operation.as_strategy(path_parameters=n))
    return st.one_of(real, real, real, other)  # mostly Acme's real objects


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_every_operation_answers_as_its_schema_says(operation, world):
    @fuzz(strategy_for(operation, world), EXAMPLES)
    def run(case):
        response = case.call(headers=world["acme"])
        case.validate_response(response, checks=CHECKS, headers=world["acme"])

    run()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", OBJECT_OPERATIONS, ids=lambda op: op.label)
def test_another_msp_gets_404_for_each_acme_object_whatever_it_sends(operation, world):
    strategy = operation.as_strategy(path_parameters=real_ids(operation, world))

    @fuzz(strategy, CROSS_EXAMPLES)
    def run(case):
        # A well-formed Idempotency-Key: a malformed one is refused (400) before any lookup,
        # which tells nothing about the object.
        headers = {**world["globex"], "Idempotency-Key": str(uuid.uuid4())}
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        assert response.status_code == 404, (case.path, case.body, response.text[:300])
        assert response.json()["error"]["code"] == "not_found"

    run()


def test_the_fuzzed_schema_is_the_one_served(client):
    served = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    assert served["paths"] == SCHEMA.raw_schema["paths"]


def test_the_agreements_list_gives_amounts_as_the_customer_page_does(
    admin_api,
    northwind,
):
    in_effect = admin_api.get(f"/api/v1/customers/{northwind.pk}/").json()["agreement_in_effect"]

    listed = admin_api.get(f"/api/v1/customers/{northwind.pk}/agreements/").json()

    assert in_effect["totals"]["monthly"] == "2011.90"
    assert listed[0]["totals"] == in_effect["totals"]
    assert listed[0]["lines"] == in_effect["lines"]
