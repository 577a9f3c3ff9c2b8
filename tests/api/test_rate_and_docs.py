"""A token over its rate gets 429 with Retry-After; the schema and the docs are served from
the portal itself."""

import re

import pytest
from django.db import connection
from django.test import Client


def test_a_token_over_its_rate_gets_429_with_retry_after(admin_api, sales_api, settings):
    settings.API_RATE = "3/min"

    codes = [admin_api.get("/api/v1/price-list/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    limited = admin_api.get("/api/v1/price-list/")
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    error = limited.json()["error"]
    assert (error["status"], error["code"]) == (429, "throttled")
    assert error["retry_after"] == int(limited.headers["Retry-After"])
    # Another token has its own count.
    assert sales_api.get("/api/v1/price-list/").status_code == 200


def test_the_schema_is_openapi_3_and_documents_errors_and_the_idempotency_key(db):
    schema = Client().get("/api/schema/?format=json").json()

    assert schema["openapi"].startswith("3.")
    submit = schema["paths"]["/api/v1/prospects/{id}/order/submit/"]["post"]
    assert {"201", "400", "401", "404", "409", "422", "429"} <= set(submit["responses"])
    assert "Idempotency-Key" in [p["name"] for p in submit["parameters"]]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        assert path.startswith("/api/v1/"), path
        for method, operation in operations.items():
            assert {"401", "404", "429"} <= set(operation["responses"]), (method, path)


def test_the_docs_page_loads_its_scripts_from_the_portal(acme_admin):
    client = Client()
    client.force_login(acme_admin)

    page = client.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    # Every script and style comes from the portal: no address of another host.
    assert re.findall(r'(?:src|href)="(https?:)?//', page) == []
    assert (
        client.get(
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
        ).status_code
        == 200
    )


def test_another_msps_prospect_is_not_found(admin_api, outsider_api, prospect):
    url = f"/api/v1/prospects/{prospect.pk}/"
    assert admin_api.get(url).status_code == 200
    for answer in (
        outsider_api.get(url),
        outsider_api.patch(url, {"permitted_users": 1}, format="json"),
        outsider_api.delete(url),
        outsider_api.post(f"/api/v1/prospects/{prospect.pk}/order/submit/", {}, format="json"),
    ):
        assert answer.status_code == 404
        assert answer.json() == {
            "error": {"status": 404, "code": "not_found", "message": "Not found."}
        }
    prospect.refresh_from_db()
    assert prospect.permitted_users == 682


def test_a_bad_field_is_named_with_the_screens_message(admin_api, acme_admin, prospect):
    answer = admin_api.post(
        "/api/v1/prospects/",
        {
            "company_type": "end_customer",
            "name": prospect.name,
            "domain": "not a domain",
            "sector": "finance",
            "implementation_lead": acme_admin.pk,
            "permitted_users": 10,
            "products": [{"code": "NOPE"}],
        },
        format="json",
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["fields"] == {"products": ["Not a product your MSP's agreement enables: NOPE."]}

    answer = admin_api.post(
        "/api/v1/prospects/",
        {
            "company_type": "end_customer",
            "name": prospect.name,
            "domain": "not a domain",
            "sector": "finance",
            "implementation_lead": acme_admin.pk,
            "permitted_users": 10,
        },
        format="json",
    )
    fields = answer.json()["error"]["fields"]
    assert set(fields) == {"name", "domain"}
    assert answer.json()["error"]["message"].startswith("name: ")


def test_a_fault_of_ours_is_answered_as_json_and_logged(admin_api, monkeypatch, caplog):
    from portal.api.views import catalog

    def broken(**kwargs):
        raise RuntimeError("the price table is broken")

    monkeypatch.setattr(catalog, "price_table_for", broken)

    answer = admin_api.get("/api/v1/price-list/")

    assert answer.status_code == 500
    assert answer.json() == {
        "error": {
            "status": 500,
            "code": "server_error",
            "message": "Something went wrong on our side; try again.",
        }
    }
    assert "the price table is broken" in caplog.text


def test_a_body_too_large_is_refused_as_json(admin_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    answer = admin_api.post(
        "/api/v1/prospects/verify-domain/", {"domain": "x" * 300}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"


def test_a_missing_trailing_slash_is_redirected_and_an_unknown_path_is_a_json_404(admin_api):
    moved = admin_api.get("/api/v1/prospects?letter=A")
    unknown = admin_api.get("/api/v1/nothing-here/")

    assert moved.status_code == 308
    assert moved.headers["Location"] == "/api/v1/prospects/?letter=A"
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "No such endpoint."


def test_errors_are_json_even_for_a_client_that_asks_for_html(admin_api):
    answer = admin_api.get("/api/v1/prospects/999999/", HTTP_ACCEPT="text/html")
    assert answer["Content-Type"] == "application/json"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite counts in the cache")
def test_the_rate_is_counted_in_the_database_for_every_process(admin_api, acme_admin, settings):
    from portal.api.models import ApiToken
    from portal.core.models import RateCount

    settings.API_RATE = "2/hour"
    token = ApiToken.objects.get(user=acme_admin)
    # Another web process took one already this hour: the count is in the table they share.
    assert admin_api.get("/api/v1/me/").status_code == 200
    RateCount.objects.filter(who=f"token:{token.pk}").update(count=2)

    assert admin_api.get("/api/v1/me/").status_code == 429


def test_old_rate_windows_are_forgotten_by_the_schedulers_purge_job(db):
    import time

    from portal.core.models import RateCount
    from portal.core.tasks import purge

    RateCount.objects.create(who="token:1", window_start=int(time.time()) - 3 * 86400, count=5)
    RateCount.objects.create(who="token:1", window_start=int(time.time()) // 60 * 60, count=5)

    purge.call()

    assert RateCount.objects.count() == 1


def test_under_a_url_prefix_the_missing_slash_is_redirected_within_it(admin_api):
    moved = admin_api.get("/api/v1/me", SCRIPT_NAME="/portal")

    assert moved.status_code == 308
    assert moved.headers["Location"] == "/portal/api/v1/me/"


def test_a_fault_is_logged_once(admin_api, monkeypatch, caplog):
    from portal.api.views import catalog

    monkeypatch.setattr(catalog, "price_table_for", lambda **kwargs: 1 / 0)

    admin_api.get("/api/v1/price-list/")

    faults = [r for r in caplog.records if r.getMessage().startswith("Internal Server Error")]
    assert len(faults) == 1
    assert faults[0].exc_info is not None
