"""Manage renewal through the API: a customer's renewal (GET), auto-renew (PATCH), changes
scheduled for the renewal (POST) and their cancel (DELETE), with the customer page's rules and
messages; 400 with field errors, 409 after the deadline, 404 for another MSP.

Fabrikam Logistics: S1 and C1, 350 seats each on a 1-year commitment renewing on 30 June 2027
(last day for changes: 29 June); today is 1 June 2027.
"""

import datetime

import pytest
import time_machine

from portal.companies.models import AgreementLine
from portal.core.history import history_for
from portal.renewals.models import RenewalChange
from tests.fixtures.customers import make_customer

V1 = "/api/v1"
RENEWS = datetime.date(2027, 6, 30)


def at(day: int):
    return time_machine.travel(datetime.datetime(2027, 6, day, 12, tzinfo=datetime.UTC))


@pytest.fixture(autouse=True)
def clock():
    with at(1) as traveller:
        yield traveller


@pytest.fixture
def fabrikam(acme, acme_admin, price_list):
    company = make_customer(acme, acme_admin, "Fabrikam Logistics", {"S1": 350, "C1": 350}, 350)
    AgreementLine.objects.filter(agreement__company=company).update(
        commitment="1y", term_start=datetime.date(2026, 6, 30), term_end=RENEWS
    )
    return company


def url(company, rest="") -> str:
    return f"{V1}/customers/{company.pk}/renewal/{rest}"


def test_the_renewal_says_each_lines_term_deadline_and_what_the_agreement_will_be(
    admin_api, fabrikam
):
    admin_api.post(url(fabrikam, "changes/"), {"code": "S1", "kind": "seats", "seats": 200}, "json")

    body = admin_api.get(url(fabrikam)).json()

    s1 = body["lines"][0]
    assert {k: s1[k] for k in ("code", "commitment", "billing", "term_start", "term_end")} == {
        "code": "S1",
        "commitment": "1y",
        "billing": "monthly",
        "term_start": "2026-06-30",
        "term_end": "2027-06-30",
    }
    assert (s1["auto_renew"], s1["last_day"], s1["days_left"], s1["changeable"]) == (
        True,
        "2027-06-29",
        28,
        True,
    )
    assert [c["description"] for c in s1["scheduled_changes"]] == ["200 seats"]
    plan = body["plans"][0]
    assert plan["renews_on"] == "2027-06-30" and plan["error"] is None
    assert [
        (line["code"], line["quantity"], line["unit_price"], line["payment"])
        for line in plan["lines"]
    ] == [
        ("S1", 200, "3.5000", "700.00"),
        ("C1", 350, "1.1000", "385.00"),
    ]
    assert (plan["monthly_fees"], plan["monthly_fees_now"]) == ("1085.00", "1505.00")


def test_a_change_is_scheduled_replaced_and_cancelled(admin_api, fabrikam, acme_admin):
    first = admin_api.post(
        url(fabrikam, "changes/"), {"code": "S1", "kind": "seats", "seats": 200}, "json"
    )
    again = admin_api.post(
        url(fabrikam, "changes/"), {"code": "S1", "kind": "seats", "seats": 200}, "json"
    )
    second = admin_api.post(
        url(fabrikam, "changes/"), {"code": "S1", "kind": "seats", "seats": 250}, "json"
    )

    assert first.status_code == 201, first.content
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert second.status_code == 201
    assert RenewalChange.objects.get(pk=first.json()["id"]).status == "cancelled"
    with at(29):
        gone = admin_api.delete(url(fabrikam, f"changes/{second.json()['id']}/"))
    assert gone.status_code == 204
    assert history_for(fabrikam).first().actor == acme_admin


def test_after_the_deadline_a_change_or_its_cancel_is_refused_409(admin_api, fabrikam):
    change = admin_api.post(
        url(fabrikam, "changes/"), {"code": "C1", "kind": "remove"}, "json"
    ).json()

    with at(30):
        cancel = admin_api.delete(url(fabrikam, f"changes/{change['id']}/"))
        more = admin_api.post(
            url(fabrikam, "changes/"),
            {"code": "S1", "kind": "term", "commitment": "monthly"},
            "json",
        )

    assert cancel.status_code == 409
    assert cancel.json()["error"]["message"] == (
        "Changes for the renewal of C1 on 2027-06-30 could be cancelled until 2027-06-29."
    )
    assert more.status_code == 409
    assert more.json()["error"]["message"] == (
        "Changes for the renewal of S1 on 2027-06-30 could be made until 2027-06-29."
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"code": "S1", "kind": "seats", "seats": 350}, "seats", "Enter fewer than the 350"),
        ({"code": "S1", "kind": "seats", "seats": 0}, "seats", "greater than or equal to 1"),
        ({"code": "S1", "kind": "term", "commitment": "3y"}, "commitment", "S1 is offered on"),
        ({"code": "S1", "kind": "term"}, "commitment", "S1 is offered on"),
        ({"code": "ZZ", "kind": "remove"}, "code", "Not a product Fabrikam Logistics has"),
        ({"code": "S1", "kind": "upgrade"}, "kind", "not a valid choice"),
        ({"kind": "remove"}, "code", "required"),
    ],
)
def test_bad_input_is_400_naming_the_field(admin_api, fabrikam, body, field, message):
    response = admin_api.post(url(fabrikam, "changes/"), body, "json")

    assert response.status_code == 400, response.content
    assert message in response.json()["error"]["fields"][field][0]
    assert not RenewalChange.objects.exists()


def test_auto_renew_is_turned_off_and_on(sales_api, fabrikam):
    off = sales_api.patch(url(fabrikam), {"code": "C1", "auto_renew": False}, "json")

    assert off.status_code == 200, off.content
    assert off.json()["lines"][1]["auto_renew"] is False
    assert off.json()["plans"][0]["ending"] == [
        {"code": "C1", "name": "Continuity", "why": "auto_renew_off"}
    ]
    on = sales_api.patch(url(fabrikam), {"code": "C1", "auto_renew": True}, "json")
    assert on.json()["lines"][1]["auto_renew"] is True
    bad = sales_api.patch(url(fabrikam), {"code": "C1"}, "json")
    assert bad.status_code == 400 and "auto_renew" in bad.json()["error"]["fields"]


def test_another_msp_gets_404_for_the_renewal_and_its_changes(admin_api, outsider_api, fabrikam):
    change = admin_api.post(
        url(fabrikam, "changes/"), {"code": "C1", "kind": "remove"}, "json"
    ).json()

    answers = [
        outsider_api.get(url(fabrikam)),
        outsider_api.patch(url(fabrikam), {"code": "C1", "auto_renew": False}, "json"),
        outsider_api.post(url(fabrikam, "changes/"), {"code": "C1", "kind": "remove"}, "json"),
        outsider_api.delete(url(fabrikam, f"changes/{change['id']}/")),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert RenewalChange.objects.get().status == "scheduled"


def test_a_change_is_cancelled_only_under_its_own_customer(admin_api, acme, acme_admin, fabrikam):
    other = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    change = admin_api.post(
        url(fabrikam, "changes/"), {"code": "C1", "kind": "remove"}, "json"
    ).json()

    assert admin_api.delete(url(other, f"changes/{change['id']}/")).status_code == 404
