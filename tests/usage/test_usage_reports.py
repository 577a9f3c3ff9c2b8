"""The vendor's signed usage reports: one figure per customer, product and day; a report taken
once; a late report never overwrites a newer one's figure; a forged, stale or wrong report
changes nothing."""

import json
import uuid

import pytest
from django.db import connection

from portal.core.signing import signed_headers
from portal.usage.models import UsageFigure, UsageReport
from tests.fixtures.factories import make_company
from tests.fixtures.sync import SECRET

URL = "/sync/usage/"
pytestmark = pytest.mark.usefixtures("sync_secret")


@pytest.fixture
def sync_secret(settings):
    settings.SYNC_SECRET = SECRET


def report(partner, figures, *, report_id=None, reported_at="2026-12-01T06:00:00+00:00"):
    return {
        "report_id": str(report_id or uuid.uuid4()),
        "reported_at": reported_at,
        "partner_id": partner.pk,
        "figures": figures,
    }


def figure(company, in_use, day="2026-11-30", product="S1"):
    return {"customer_id": company.pk, "product": product, "day": day, "in_use": in_use}


def post(client, payload, *, secret=SECRET, now=None, raw=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        URL, body, content_type="application/json", headers=signed_headers(secret, body, now=now)
    )


def stored() -> dict:
    return {
        (f.company_id, f.product.code, str(f.day)): f.in_use
        for f in UsageFigure.objects.select_related("product")
    }


def test_a_report_stores_one_figure_per_customer_product_and_day(client, acme, northwind):
    response = post(
        client,
        report(acme, [figure(northwind, 690), figure(northwind, 695, day="2026-12-01")]),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "stored"
    assert stored() == {
        (northwind.pk, "S1", "2026-11-30"): 690,
        (northwind.pk, "S1", "2026-12-01"): 695,
    }


def test_the_same_report_again_changes_nothing(client, acme, northwind):
    first = report(acme, [figure(northwind, 690)])
    post(client, first)
    again = {**first, "figures": [figure(northwind, 1)]}

    response = post(client, again)

    assert response.json()["status"] == "repeated"
    assert stored() == {(northwind.pk, "S1", "2026-11-30"): 690}
    assert UsageReport.objects.count() == 1


def test_a_late_report_never_overwrites_a_newer_figure(client, acme, northwind):
    post(client, report(acme, [figure(northwind, 700)], reported_at="2026-12-01T06:00:00Z"))

    late = report(
        acme,
        [figure(northwind, 650), figure(northwind, 640, day="2026-11-29")],
        reported_at="2026-11-30T06:00:00Z",
    )
    assert post(client, late).json()["status"] == "stored"

    assert stored() == {
        (northwind.pk, "S1", "2026-11-30"): 700,  # the newer report's
        (northwind.pk, "S1", "2026-11-29"): 640,  # nobody said otherwise
    }


def test_a_newer_report_replaces_the_days_figure(client, acme, northwind):
    post(client, report(acme, [figure(northwind, 650)], reported_at="2026-11-30T06:00:00Z"))
    post(client, report(acme, [figure(northwind, 700)], reported_at="2026-12-01T06:00:00Z"))

    assert stored() == {(northwind.pk, "S1", "2026-11-30"): 700}


@pytest.mark.parametrize("secret", ["not the secret", ""])
def test_a_forged_report_is_refused(client, acme, northwind, secret):
    response = post(client, report(acme, [figure(northwind, 690)]), secret=secret or "x")

    assert response.status_code == 401
    assert not UsageFigure.objects.exists() and not UsageReport.objects.exists()


def test_a_replayed_old_report_is_refused(client, acme, northwind):
    import time

    response = post(client, report(acme, [figure(northwind, 690)]), now=time.time() - 3600)

    assert response.status_code == 401
    assert not UsageFigure.objects.exists()


def test_another_partners_customer_refuses_the_whole_report(client, acme, globex, northwind):
    theirs = make_company(globex, "Initech Holdings", status="complete")

    response = post(client, report(acme, [figure(northwind, 690), figure(theirs, 5)]))

    assert response.status_code == 400
    assert response.json()["problems"] == [
        {"field": "customer_id", "error": "Not a customer of this partner.", "index": 1}
    ]
    assert not UsageFigure.objects.exists() and not UsageReport.objects.exists()


def test_each_bad_figure_is_named_by_its_index_and_field(client, acme, northwind):
    figures = [
        figure(northwind, 690),
        figure(northwind, -1, day="2026-11-29"),
        figure(northwind, True, day="2026-11-28"),
        figure(northwind, 5, product="S1\x00"),
        figure(northwind, 5, day="2031-01-01"),
        figure(northwind, 5, day="not a day"),
        figure(northwind, 691),  # the same customer, product and day as the first
        "not an object",
    ]

    problems = post(client, report(acme, figures)).json()["problems"]

    assert [(p["index"], p["field"]) for p in problems] == [
        (1, "in_use"),
        (2, "in_use"),
        (3, "product"),
        (4, "day"),
        (5, "day"),
        (6, "day"),
        (7, "figures"),
    ]
    assert not UsageFigure.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_id": True}, "customer_id"),
        ({"customer_id": 2**70}, "customer_id"),
        ({"customer_id": [1]}, "customer_id"),
        ({"product": ["S1"]}, "product"),
        ({"product": {"S1": 1}}, "product"),
        ({"day": ["2026-11-30"]}, "day"),
        ({"in_use": 10_000_001}, "in_use"),
        ({"in_use": 690.0}, "in_use"),
        ({"in_use": None}, "in_use"),
    ],
)
def test_a_figure_of_the_wrong_kind_is_named_not_failed_on(client, acme, northwind, change, field):
    figures = [figure(northwind, 690, day="2026-11-29"), {**figure(northwind, 690), **change}]

    response = post(client, report(acme, figures))

    assert response.status_code == 400
    assert [(p["index"], p["field"]) for p in response.json()["problems"]] == [(1, field)]
    assert not UsageFigure.objects.exists()


def test_a_figure_without_a_field_is_named(client, acme, northwind):
    missing = figure(northwind, 690)
    del missing["day"]

    response = post(client, report(acme, [figure(northwind, 5, day="2026-11-29"), missing]))

    assert [(p["index"], p["field"]) for p in response.json()["problems"]] == [(1, "day")]


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"report_id": "x", "reported_at": "2026-12-01", "partner_id": "1", "figures": []},
        {"report_id": str(uuid.uuid4()), "reported_at": "2026-12-01T06:00:00"},
    ],
)
def test_a_report_that_cannot_be_read_says_why(client, acme, payload):
    response = post(client, payload)

    assert response.status_code == 400
    assert response.json()["problems"]


def test_a_prospect_has_no_usage(client, acme):
    prospect = make_company(acme, "Contoso Prospect")

    response = post(client, report(acme, [figure(prospect, 5)]))

    assert response.status_code == 400


def test_a_body_too_large_is_refused_unread(client, acme):
    response = post(client, None, raw=b" " * (2 * 1024 * 1024 + 1))

    assert response.status_code == 413


def test_not_json_is_refused(client, acme):
    response = post(client, None, raw=b"\x00\xff{")

    assert response.status_code == 400


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
@pytest.mark.django_db(transaction=True)
def test_the_same_report_twice_at_once_is_stored_once(acme, acme_admin, price_list):
    from portal.usage.reports import receive
    from tests.fixtures.customers import make_customer
    from tests.renewals.test_manage_renewal_concurrent import at_once

    northwind = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    body = json.dumps(report(acme, [figure(northwind, 690)])).encode()

    def send():
        return receive(body=body, headers=signed_headers(SECRET, body), secret=SECRET).body

    answers = at_once(send, send)

    assert sorted(answer["status"] for answer in answers) == ["repeated", "stored"]
    assert UsageFigure.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections")
@pytest.mark.django_db(transaction=True)
def test_two_reports_of_the_same_days_at_once_keep_the_later_ones_figures(
    acme, acme_admin, price_list
):
    import datetime

    from portal.usage.reports import receive
    from tests.fixtures.customers import make_customer
    from tests.renewals.test_manage_renewal_concurrent import at_once

    northwind = make_customer(acme, acme_admin, "Northwind Traders", {"S1": 682}, 682)
    days = [str(datetime.date(2026, 11, 30) - datetime.timedelta(days=n)) for n in range(300)]
    earlier, later = (
        json.dumps(
            report(acme, [figure(northwind, seats, day=day) for day in days], reported_at=at)
        ).encode()
        for seats, at in ((600, "2026-12-01T05:00:00+00:00"), (700, "2026-12-01T06:00:00+00:00"))
    )

    def sender(body):
        return lambda: receive(body=body, headers=signed_headers(SECRET, body), secret=SECRET)

    answers = at_once(sender(earlier), sender(later))

    assert [answer.body["status"] for answer in answers] == ["stored", "stored"]
    assert set(stored().values()) == {700} and len(stored()) == len(days)


def test_a_figure_reads_back_with_its_report_and_time(client, acme, northwind):
    post(client, report(acme, [figure(northwind, 690)], reported_at="2026-12-01T07:30:00+01:00"))

    stored_figure = UsageFigure.objects.select_related("report").get()

    assert stored_figure.reported_at.isoformat() == "2026-12-01T06:30:00+00:00"
    assert stored_figure.report.figures == 1
