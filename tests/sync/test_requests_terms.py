"""The provisioning request carries the terms: the day the version is to take effect, and each
line's commitment, billing, term start and end and auto-renew — a kept line's dates, an add-on
co-termed with the primary's end, a downsell's billing date."""

import datetime

import time_machine
from django.urls import reverse

from portal.changes.models import ChangeOrder
from portal.sync.confirm import settle
from portal.sync.models import ProvisioningRequest
from tests.fixtures.customers import BILLING, review_data

TODAY = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.UTC)


def on_annual_commitment(company, start: datetime.date, end: datetime.date) -> None:
    """The customer's S1 runs on a 1-year commitment from ``start`` to ``end``."""
    agreement = company.agreements.get()
    agreement.lines.filter(code="S1").update(commitment="1y", term_start=start, term_end=end)


def submit(client, quote_change, company, **changes) -> ProvisioningRequest:
    quote_change(company, **changes)
    change = ChangeOrder.objects.filter(company=company).latest("pk")
    client.post(reverse("changes:review", args=[change.pk]), review_data(), follow=True)
    return ProvisioningRequest.objects.get(agreement__change_order=change)


def terms(payload) -> dict:
    keys = ("commitment", "billing", "term_start", "term_end", "auto_renew")
    return {line["product"]: {k: line[k] for k in keys} for line in payload["agreement"]["lines"]}


def test_an_add_on_bought_mid_term_is_sent_co_termed_with_its_primary(
    client, quote_change, northwind, sync_settings
):
    on_annual_commitment(northwind, datetime.date(2026, 6, 1), datetime.date(2027, 6, 1))

    with time_machine.travel(TODAY, tick=False):
        request = submit(client, quote_change, northwind, addon_A1="on", addon_seats_A1="40")

    payload = request.payload
    assert payload["protocol_version"] == 3
    assert payload["agreement"]["effective_from"] == "2026-11-30"
    assert payload["agreement"]["effective_until"] is None
    assert terms(payload) == {
        "S1": {
            "commitment": "1y",
            "billing": "monthly",
            "term_start": "2026-06-01",
            "term_end": "2027-06-01",
            "auto_renew": True,
        },
        # Its own start is the day it is provisioned; it ends with S1's term.
        "A1": {
            "commitment": "1y",
            "billing": "monthly",
            "term_start": None,
            "term_end": "2027-06-01",
            "auto_renew": True,
        },
    }


def test_a_confirmed_co_termed_add_on_starts_the_day_it_took_effect(
    client, quote_change, northwind, sync_settings
):
    on_annual_commitment(northwind, datetime.date(2026, 6, 1), datetime.date(2027, 6, 1))

    with time_machine.travel(TODAY, tick=False):
        request = submit(client, quote_change, northwind, addon_A1="on", addon_seats_A1="40")
        settle(request=request, outcome="synced")

    line = request.agreement.lines.get(code="A1")
    assert (line.term_start, line.term_end) == (
        datetime.date(2026, 11, 30),
        datetime.date(2027, 6, 1),
    )


def test_a_downsell_is_sent_with_the_billing_date_it_takes_effect(
    client, quote_change, fabrikam, sync_settings
):
    fabrikam.agreements.get().lines.update(
        term_start=datetime.date(2026, 10, 1), term_end=datetime.date(2026, 11, 1)
    )

    with time_machine.travel(TODAY, tick=False):
        request = submit(client, quote_change, fabrikam, seats="200")

    payload = request.payload
    lines = payload["agreement"]["lines"]
    assert payload["kind"] == "downsell"
    assert payload["effective_on"] == payload["agreement"]["effective_from"] == BILLING.isoformat()
    # Monthly terms that renewed on 2026-11-01 run to 2026-12-01.
    assert {(line["product"], line["term_start"], line["term_end"]) for line in lines} == {
        ("S1", "2026-11-01", "2026-12-01"),
        ("C1", "2026-11-01", "2026-12-01"),
    }
