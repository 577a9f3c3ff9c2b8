"""usage.drift: a subscribed endpoint is told when a customer's seats in use drift from the
seats licensed, or drift further; another MSP's endpoint never is."""

import datetime

from portal.usage.models import UsageFigure
from portal.usage.reconciliation import mark_due, refresh_due
from portal.webhooks.models import WebhookDelivery

from .conftest import make_endpoint

MOMENT = datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC)


def reported(company, product, day, in_use):
    UsageFigure.objects.create(
        company=company, product=product, day=day, in_use=in_use, reported_at=MOMENT, report_id=1
    )
    mark_due([company.pk])
    refresh_due()


def test_drift_is_delivered_to_the_msps_subscribed_endpoint_only(northwind, catalog, globex):
    told = make_endpoint(northwind.partner, events=["usage.drift"])
    make_endpoint(northwind.partner, events=["order.synced"], url="https://other.example/")
    make_endpoint(globex, events=["usage.drift"], url="https://globex.example/")

    reported(northwind, catalog["S1"], datetime.date(2026, 11, 29), 700)
    reported(northwind, catalog["S1"], datetime.date(2026, 11, 30), 695)  # less: not told

    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.endpoint_id, d.event) for d in deliveries] == [(told.pk, "usage.drift")]
    data = deliveries[0].payload["data"]
    assert (data["customer_id"], data["product"], data["licensed"], data["in_use"]) == (
        northwind.pk,
        "S1",
        682,
        700,
    )
    assert data["drift"] == 18
