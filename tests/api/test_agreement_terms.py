"""Versions in time through the API: the customer says which version is in effect and which is
scheduled from when, each version its effective days and status, each line its term; after
the date the scheduled one is in effect and the other over."""

import datetime

import requests
import schemathesis
import time_machine
from drf_spectacular.generators import SchemaGenerator
from schemathesis.core.transport import Response

from portal.companies.schedule import versions_take_effect
from portal.sync.confirm import settle
from portal.sync.models import ProvisioningRequest
from tests.fixtures.clock import made_on
from tests.fixtures.customers import BILLING

TODAY = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)
_clock = made_on(TODAY)
ON_BILLING = datetime.datetime.combine(BILLING, datetime.time(12), tzinfo=datetime.UTC)
SUBMIT = {"order_number": "PO-9", "accept_msa": True, "accept_authority": True}
TERM_KEYS = ("commitment", "billing", "term_start", "term_end", "auto_renew")


def change_submitted(api, company, **body) -> dict:
    url = f"/api/v1/customers/{company.pk}/change-quotes/"
    quote = api.post(url, body, format="json").json()
    answer = api.post(f"/api/v1/change-quotes/{quote['id']}/submit/", SUBMIT, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()["agreement"]


def confirmed(agreement: dict) -> None:
    """The vendor confirms the version's provisioning request."""
    settle(request=ProvisioningRequest.objects.get(agreement_id=agreement["id"]), outcome="synced")


def customer(api, company) -> dict:
    answer = api.get(f"/api/v1/customers/{company.pk}/")
    assert answer.status_code == 200
    return answer.json()


def conforms(answer, path: str) -> None:
    """The answer is what the OpenAPI schema says of that GET (its enums and nulls too)."""
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    response = Response(
        status_code=answer.status_code,
        headers={"Content-Type": [answer["Content-Type"]]},
        content=answer.content,
        request=requests.Request("GET", f"http://testserver{path}").prepare(),
        elapsed=0,
        verify=True,
    )
    schema[path]["GET"].validate_response(response)


def test_a_confirmed_downsell_is_scheduled_beside_the_version_in_effect(admin_api, fabrikam):
    with time_machine.travel(TODAY, tick=False):
        pending = change_submitted(admin_api, fabrikam, seats=200)
        assert (pending["status"], pending["standing"]) == ("downsell_pending", "pending")
        assert pending["effective_from"] == "2030-01-01"  # the billing date, expected
        confirmed(pending)
        answer = admin_api.get(f"/api/v1/customers/{fabrikam.pk}/")
        listed = admin_api.get(f"/api/v1/customers/{fabrikam.pk}/agreements/")

    conforms(answer, "/api/v1/customers/{id}/")
    conforms(listed, "/api/v1/customers/{id}/agreements/")
    body = answer.json()

    in_effect, scheduled = body["agreement_in_effect"], body["agreement_scheduled"]
    assert (in_effect["version"], in_effect["total_users"]) == (1, 350)
    assert (in_effect["status"], in_effect["standing"]) == ("active", "in_effect")
    assert in_effect["effective_until"] == "2030-01-01"
    assert (scheduled["version"], scheduled["total_users"]) == (2, 200)
    assert (scheduled["status"], scheduled["standing"]) == ("scheduled", "scheduled")
    assert (scheduled["effective_from"], scheduled["effective_until"]) == ("2030-01-01", None)
    assert body["scheduled_from"] == "2030-01-01"
    assert body["permitted_users"] == 350
    assert body["change_options"]["enabled"] is False


def test_on_its_date_the_scheduled_version_is_in_effect_and_the_other_over(admin_api, fabrikam):
    with time_machine.travel(TODAY, tick=False):
        confirmed(change_submitted(admin_api, fabrikam, seats=200))

    with time_machine.travel(ON_BILLING, tick=False):
        versions_take_effect()
        body = customer(admin_api, fabrikam)
        listed = admin_api.get(f"/api/v1/customers/{fabrikam.pk}/agreements/").json()

    in_effect = body["agreement_in_effect"]
    assert (in_effect["version"], in_effect["status"], in_effect["total_users"]) == (
        2,
        "active",
        200,
    )
    assert (in_effect["effective_from"], in_effect["effective_until"]) == ("2030-01-01", None)
    assert (body["agreement_scheduled"], body["scheduled_from"]) == (None, None)
    assert body["permitted_users"] == 200
    assert [(a["version"], a["status"], a["standing"], a["effective_until"]) for a in listed] == [
        (2, "active", "in_effect", None),
        (1, "superseded", "over", "2030-01-01"),
    ]


def test_a_customer_without_a_scheduled_version_says_none(admin_api, northwind):
    body = customer(admin_api, northwind)

    assert body["agreement_in_effect"]["version"] == 1
    assert (body["agreement_scheduled"], body["scheduled_from"]) == (None, None)


def test_each_line_says_its_term_and_an_add_on_bought_mid_term_ends_with_its_primary(
    admin_api, northwind
):
    northwind.agreements.get().lines.update(
        commitment="1y", term_start=datetime.date(2026, 6, 1), term_end=datetime.date(2027, 6, 1)
    )

    with time_machine.travel(TODAY, tick=False):
        added = change_submitted(
            admin_api, northwind, seats=682, addons=[{"code": "A1", "seats": 40}]
        )
        confirmed(added)
        body = customer(admin_api, northwind)

    lines = {line["code"]: line for line in body["agreement_in_effect"]["lines"]}
    assert {key: lines["S1"][key] for key in TERM_KEYS} == {
        "commitment": "1y",
        "billing": "monthly",
        "term_start": "2026-06-01",
        "term_end": "2027-06-01",
        "auto_renew": True,
    }
    assert {key: lines["A1"][key] for key in TERM_KEYS} == {
        "commitment": "1y",
        "billing": "monthly",
        "term_start": "2026-11-30",
        "term_end": "2027-06-01",
        "auto_renew": True,
    }
    assert (lines["A1"]["term"], lines["A1"]["quantity"]) == ("monthly", 40)


def test_a_one_time_charge_has_no_term(admin_api, northwind):
    with time_machine.travel(TODAY, tick=False):
        confirmed(
            change_submitted(
                admin_api, northwind, seats=682, addons=[{"code": "OB1", "seats": None}]
            )
        )
        lines = customer(admin_api, northwind)["agreement_in_effect"]["lines"]

    onboarding = next(line for line in lines if line["code"] == "OB1")
    assert onboarding["term"] == "one_time"
    assert {key: onboarding[key] for key in TERM_KEYS} == {
        "commitment": None,
        "billing": None,
        "term_start": None,
        "term_end": None,
        "auto_renew": False,
    }


def test_the_price_list_says_the_terms_each_product_offers(admin_api, catalog):
    catalog["S1"].terms_offered = ["monthly", "1y", "3y"]
    catalog["S1"].save()

    products = {p["code"]: p for p in admin_api.get("/api/v1/price-list/").json()["products"]}

    assert products["S1"]["terms_offered"] == ["monthly", "1y", "3y"]
    assert (products["S1"]["cancellation_days"], products["S1"]["fewer_seats"]) == (7, "renewal")
    assert products["OB1"]["terms_offered"] == []


def test_another_msps_customer_with_a_scheduled_version_is_404(admin_api, outsider_api, fabrikam):
    with time_machine.travel(TODAY, tick=False):
        confirmed(change_submitted(admin_api, fabrikam, seats=200))

    assert outsider_api.get(f"/api/v1/customers/{fabrikam.pk}/").status_code == 404
    assert outsider_api.get(f"/api/v1/customers/{fabrikam.pk}/agreements/").status_code == 404


def test_a_saved_quote_shows_the_co_termed_add_on_and_its_prorated_charge(admin_api, northwind):
    northwind.agreements.get().lines.update(
        commitment="1y", term_start=datetime.date(2026, 6, 1), term_end=datetime.date(2027, 6, 1)
    )
    type(northwind).objects.filter(pk=northwind.pk).update(
        next_billing_date=datetime.date(2026, 12, 1)
    )
    body = {"seats": 682, "addons": [{"code": "A1", "seats": 40}]}

    with time_machine.travel(datetime.datetime(2026, 11, 16, 12, tzinfo=datetime.UTC)):
        saved = admin_api.post(
            f"/api/v1/customers/{northwind.pk}/change-quotes/", body, format="json"
        )

    quote = saved.json()
    a1 = next(row for row in quote["summary"] if row["code"] == "A1")
    # 40 seats at 0.90 = 36.00 a month; 15 of November's 30 days left.
    assert (a1["commitment"], a1["term_end"], a1["co_termed_with"]) == ("1y", "2027-06-01", "S1")
    assert (a1["period_start"], a1["period_end"], a1["prorated_from"]) == (
        "2026-11-01",
        "2026-12-01",
        "2026-11-16",
    )
    assert a1["prorated_charge"] == quote["prorated_total"] == "18.00"
    assert quote["new_totals"]["initial"] == "2047.90"
    assert quote["initial_fees"] == "2065.90"
