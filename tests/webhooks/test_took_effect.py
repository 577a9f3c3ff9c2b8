"""agreement.took_effect: when the scheduled job makes Scheduled versions Active on their date,
an MSP's endpoint hears once per version of its own customers, another MSP's endpoint hears
nothing, and MSPs without an endpoint cost the job no query per version."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.companies.models import Agreement
from portal.companies.monthly import figures_refresh
from portal.companies.schedule import versions_take_effect
from portal.sync.confirm import settle
from portal.webhooks.models import WebhookEndpoint
from tests.fixtures.clock import made_on
from tests.fixtures.customers import BILLING, make_customer

from .conftest import deliveries, make_endpoint

TOOK_EFFECT = "agreement.took_effect"
LATER = datetime.date(2030, 2, 1)
_clock = made_on(datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC))


@pytest.fixture
def scheduled(submit_change, fabrikam, northwind, acme_admin):
    """Two Acme customers' downsells, confirmed by the vendor: Scheduled from the billing
    date, 2030-01-01, while the versions before stay in effect."""
    versions = {}
    for company, seats in ((fabrikam, "200"), (northwind, "600")):
        request = submit_change(company, seats)
        settle(request=request, outcome="synced")
        versions[company.name] = Agreement.objects.get(pk=request.agreement_id)
    assert {a.status for a in versions.values()} == {Agreement.Status.SCHEDULED}
    assert {a.effective_from for a in versions.values()} == {BILLING}
    return versions


def postpone(agreement: Agreement, day: datetime.date) -> None:
    """The scheduled version takes effect on ``day`` instead (the one in effect stays until
    then): so that the job finds a different number of versions due on two days."""
    assert day > agreement.effective_from
    # The scheduled one first, so the two never overlap (PostgreSQL's exclusion constraint
    # checks each statement).
    Agreement.objects.filter(pk=agreement.pk).update(effective_from=day)
    agreement.company.agreements.filter(status=Agreement.Status.ACTIVE).update(effective_until=day)
    figures_refresh([agreement.company_id])  # counted anew, as the services count their moves


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(2)), tick=False)


def test_an_msps_endpoint_hears_once_per_version_that_took_effect(scheduled, acme, globex):
    mine = make_endpoint(acme, events=[TOOK_EFFECT])
    make_endpoint(acme, events=["change.synced"], url="https://other-events.example/")
    theirs = make_endpoint(globex, events=[TOOK_EFFECT], url="https://globex.example/")

    with at(BILLING):
        assert versions_take_effect() == 2
        assert versions_take_effect() == 0  # the job again: nothing is due twice

    told = deliveries(TOOK_EFFECT)
    assert [row.endpoint for row in told] == [mine, mine]
    assert not [row for row in deliveries() if row.endpoint == theirs]
    by_company = {row.payload["data"]["company"]["name"]: row.payload for row in told}
    assert set(by_company) == {"Fabrikam Logistics", "Northwind Traders"}
    payload = by_company["Fabrikam Logistics"]
    assert (payload["event"], payload["partner_id"]) == (TOOK_EFFECT, acme.pk)
    data = payload["data"]
    assert data["replaces_version"] == 1
    assert data["change_order"]["kind"] == "downsell"
    assert data["change_order"]["effective_on"] == "2030-01-01"
    agreement = data["agreement"]
    assert (agreement["version"], agreement["status"], agreement["total_users"]) == (
        2,
        "active",
        200,
    )
    assert (agreement["effective_from"], agreement["effective_until"]) == ("2030-01-01", None)
    assert {line["code"]: line["quantity"] for line in agreement["lines"]} == {"S1": 200, "C1": 200}
    assert {line["commitment"] for line in agreement["lines"]} == {"monthly"}
    assert all(line["term_end"] for line in agreement["lines"])


def test_an_endpoint_not_subscribed_or_inactive_hears_nothing(scheduled, acme):
    make_endpoint(acme, events=["change.synced"])
    make_endpoint(acme, events=[TOOK_EFFECT], is_active=False, url="https://off.example/")

    with at(BILLING):
        versions_take_effect()

    assert deliveries(TOOK_EFFECT) == []


def queries_of_the_job(day: datetime.date) -> int:
    with at(day), CaptureQueriesContext(connection) as queries:
        versions_take_effect()
    return len(queries)


def test_msps_without_an_endpoint_cost_no_query_per_version(scheduled, globex):
    # given: Globex listens, Acme (whose versions these are) does not
    make_endpoint(globex, events=[TOOK_EFFECT], url="https://globex.example/")
    postpone(scheduled["Northwind Traders"], LATER)

    # when: one version is due on the first day, then another on the next
    one = queries_of_the_job(BILLING)
    another = queries_of_the_job(LATER)

    # then: the same statements, and nobody is told
    assert Agreement.objects.filter(status=Agreement.Status.SCHEDULED).count() == 0
    assert one == another
    assert deliveries() == []


def test_an_msp_with_an_endpoint_costs_no_statement_more_per_delivery(
    scheduled, acme, acme_admin, submit_change
):
    """Two versions due against one: the deliveries and their tasks are written in bulk."""
    make_endpoint(acme, events=[TOOK_EFFECT])
    contoso = make_customer(acme, acme_admin, "Contoso Freight", {"S1": 300}, 300)
    settle(request=submit_change(contoso, "250"), outcome="synced")
    postpone(scheduled["Northwind Traders"], LATER)
    postpone(contoso.agreements.get(status=Agreement.Status.SCHEDULED), LATER)

    one = queries_of_the_job(BILLING)
    two = queries_of_the_job(LATER)

    assert len(deliveries(TOOK_EFFECT)) == 3
    assert two == one


def test_the_webhook_form_offers_the_event_and_subscribes_to_it(client, acme_admin):
    client.force_login(acme_admin)

    form = client.get(reverse("webhooks:create")).content.decode()
    client.post(
        reverse("webhooks:create"),
        {"url": "https://psa.example/hooks", "events": [TOOK_EFFECT], "is_active": "on"},
    )

    assert f'value="{TOOK_EFFECT}"' in form and "Scheduled change took effect" in form
    assert WebhookEndpoint.objects.get(partner=acme_admin.partner).events == [TOOK_EFFECT]
