"""The API against its own OpenAPI schema, fuzzed by Schemathesis in-process (WSGI).

For every operation of the schema, generated requests under Acme's Admin token — with Acme's
real object ids most of the time, so the endpoints work on real prospects, customers, quotes,
imports and users — must get no 5xx, a documented status code, a documented content type and a
body that conforms to the documented response schema. Then, with Globex's Admin token, every
operation that names an object must answer Acme's ids with 404 only.

Each operation is one pytest test with its own data (a transactional test: the WSGI app runs in
this thread but commits like in production), so a DELETE or a submit only changes what the later
examples of the same operation see — and a 404 or 409 they then get is documented. The data is
built once for the module and loaded afresh, as rows, before each test. The DNS of
Verify is a local server; e-mail goes to Django's test outbox; SYNC_VENDOR_URL is empty.
"""

import re
import uuid

import pytest
import schemathesis
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings
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
from portal.accounts.models import User
from portal.api.tokens import token_create
from tests.fixtures.api import add_api_objects, contact_and_note, renewal_change
from tests.fixtures.catalog import add_catalog, add_price_list, add_prospect
from tests.fixtures.customers import make_customer
from tests.fixtures.factories import add_infrastructure_choices, make_partner, make_user

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
OTHER_IDS = {
    "agreement_pk": "agreement",
    "attachment_pk": "attachment",
    "contact_pk": "contact",
    "note_pk": "note",
    "renewal_change_pk": "renewal_change",
}


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


# What every request of this module runs under, the world's own included.
WORLD_SETTINGS = {
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "SYNC_VENDOR_URL": "",
}
# Not kept with the world: made anew by the flush after each test (content types and
# permissions), or by database triggers from the companies' rows (the tally).
NOT_KEPT = {"contenttypes.ContentType", "auth.Permission", "companies.CompanyTally"}


def build_world() -> dict:
    """Acme's objects, committed: a prospect, a customer with its agreement and an attachment,
    a saved change quote, an upload of prospects; and both Admins' tokens."""
    add_infrastructure_choices()
    acme = make_partner("Acme IT Services")
    acme_admin = make_user(acme, role=User.Role.ADMIN, email="admin@acme.test", lead=True)
    acme_sales = make_user(acme, role=User.Role.SALES, email="sales@acme.test")
    globex = make_partner("Globex Managed Services")
    outsider = make_user(globex, role=User.Role.ADMIN, email="admin@globex.test", lead=True)
    catalog = add_catalog(acme)
    prospect = add_prospect(acme, acme_admin, catalog)
    add_price_list(catalog)
    customer = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    acme_token = bearer(acme_admin)
    objects = add_api_objects(APIClient(headers=acme_token), customer, acme_admin)
    return {
        "prospect": prospect.pk,
        "customer": customer.pk,
        "agreement": customer.agreements.get().pk,
        **objects,
        **contact_and_note(customer, acme_admin),
        **renewal_change(customer, acme_admin),
        "user": acme_sales.pk,
        "acme": acme_token,
        "globex": bearer(outsider),
    }


def rows_of_every_table() -> dict:
    """The world as the rows of each table; what points at a content type names it."""
    names = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model._meta.label in NOT_KEPT:
            continue
        fields = model._meta.concrete_fields
        rows[model] = [
            {f.attname: pointed(f, getattr(obj, f.attname), names) for f in fields}
            for obj in model._base_manager.order_by("pk")
        ]
    return rows


def pointed(field, value, names: dict):
    return names.get(value) if field.related_model is ContentType else value


def load(rows: dict) -> None:
    """Write the world's rows into the empty database, each content type named by its id now
    (the flush after each test makes them anew, under other ids)."""
    ids = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.all()}
    with transaction.atomic():
        for model, values in rows.items():
            fields = model._meta.concrete_fields
            model._base_manager.bulk_create(
                model(**{f.attname: pointed(f, row[f.attname], ids) for f in fields})
                for row in values
            )
        # Rows written with their ids leave PostgreSQL's sequences behind: the next insert
        # would take an id the world already has.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(sql)


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for the module, kept as the rows of every table and its files."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, **WORLD_SETTINGS):
        call_command("flush", interactive=False, verbosity=0)
        ids = build_world()
        rows = rows_of_every_table()
        call_command("flush", interactive=False, verbosity=0)
    return media, rows, ids


@pytest.fixture
def world(built_world, transactional_db, settings, dns_server):
    """Each operation's test starts from the same world: it changes only what the later
    examples of that operation see."""
    media, rows, ids = built_world
    settings.MEDIA_ROOT = media
    for name, value in WORLD_SETTINGS.items():
        setattr(settings, name, value)
    load(rows)
    return ids


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
