"""The weekly seat reconciliation digest: once per MSP and week to its Admins, with the money
at stake and the largest differences, however often the job runs; the clock moves, nobody
waits."""

import datetime

import time_machine

from portal.core.outbox.models import OutgoingMessage
from portal.usage.digest import digests_send
from portal.usage.models import UsageFigure
from portal.usage.reconciliation import mark_due
from portal.usage.tasks import reconcile

MONDAY = datetime.datetime(2026, 12, 7, 7, tzinfo=datetime.UTC)


def digests():
    return OutgoingMessage.objects.filter(template="usage_digest").order_by("id")


def drift(company, product, in_use):
    UsageFigure.objects.create(
        company=company,
        product=product,
        day=datetime.date(2026, 12, 6),
        in_use=in_use,
        reported_at=MONDAY,
        report_id=1,
    )
    mark_due([company.pk])


def test_the_digest_goes_once_a_week_to_the_msps_admins(northwind, catalog, acme_admin, outsider):
    drift(northwind, catalog["S1"], 700)

    with time_machine.travel(MONDAY, tick=False):
        assert digests_send() == 1
        assert digests_send() == 0  # the same week again: nothing
    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        assert digests_send() == 0
    with time_machine.travel(MONDAY + datetime.timedelta(days=7), tick=False):
        assert digests_send() == 1

    first = digests().first()
    assert first.to == ["admin@acme.test"]
    assert first.subject == "Seat reconciliation, week of 2026-12-07: USD 53.10 a month at stake"
    assert "Northwind Traders, S1: licensed 682, used 700" in first.text_body
    assert "18 seats used above licensed (true-up due)" in first.text_body
    assert "Northwind" not in "".join(m.text_body for m in digests() if m.to != first.to)


def test_an_msp_in_step_gets_no_digest(northwind, catalog, acme_admin):
    drift(northwind, catalog["S1"], 682)

    with time_machine.travel(MONDAY, tick=False):
        assert digests_send() == 0


def test_the_reconcile_job_works_out_the_customers_marked_due(northwind, catalog):
    drift(northwind, catalog["S1"], 690)

    assert reconcile.call() == "1 customers reconciled"
    assert reconcile.call() == "0 customers reconciled"
