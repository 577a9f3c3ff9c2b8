"""Each of the events writes one delivery for every active endpoint of that partner subscribed
to it, and none for anyone else, with the payload's shape and the partner's own figures."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.core.models import OutgoingMessage
from portal.orders.selectors import order_of
from portal.rfi.services import rfi_save
from portal.sync.callbacks import staff_settle_agreement
from portal.sync.confirm import settle
from portal.webhooks.models import Event

from .conftest import DELIVER_TASK, deliveries, make_endpoint


@pytest.fixture
def subscribers(acme, globex):
    """For each event: the Acme endpoint that must get it; and three that must not."""
    wanted = {
        event: make_endpoint(acme, events=[event], url=f"https://{event}.example/")
        for event in Event.values
        if event != Event.TEST
    }
    make_endpoint(acme, is_active=False, url="https://inactive.example/")
    make_endpoint(globex, url="https://globex.example/")
    return wanted


def only_for(subscribers, event):
    """The deliveries of ``event``, checked to be exactly the one of its subscriber."""
    rows = deliveries(event)
    assert [row.endpoint for row in rows] == [subscribers[event]]
    tasks = DBTaskResult.objects.filter(task_path=DELIVER_TASK)
    assert {"delivery_id": rows[0].pk} in [t.args_kwargs["kwargs"] for t in tasks]
    return rows[0]


def test_a_submitted_order_is_told_to_its_subscriber_only(subscribers, order_request, acme):
    delivery = only_for(subscribers, "order.submitted")

    assert {row.event for row in deliveries()} == {"order.submitted"}
    payload = delivery.payload
    assert set(payload) == {"id", "event", "created", "partner_id", "data"}
    assert payload["id"] == str(delivery.key)
    assert (payload["event"], payload["partner_id"]) == ("order.submitted", acme.pk)
    company = order_request.company
    assert payload["data"] == {
        "company": {"id": company.pk, "name": "Contoso Pharmaceuticals"},
        "agreement": {
            "version": 1,
            "status": "new_pending",
            "status_label": "New Order Pending",
            "total_users": 682,
            "currency": "USD",
            "totals": {
                "monthly": "2011.90",
                "annual": "0.00",
                "one_time": "0.00",
                "initial": "2011.90",
            },
            # Expected to take effect the day it is submitted; nothing replaces it yet.
            "effective_from": timezone.localdate().isoformat(),
            "effective_until": None,
            "lines": [
                {
                    "code": "S1",
                    "name": "Email Security Cloud Gateway",
                    "term": "monthly",
                    "charge": "per_seat",
                    "quantity": 682,
                    "unit_price": "2.9500",
                    "payment": "2011.90",
                    # The term's days are set when the vendor provisions it.
                    "commitment": "monthly",
                    "billing": "monthly",
                    "term_start": None,
                    "term_end": None,
                    "auto_renew": True,
                }
            ],
        },
        "order": {"id": order_of(company).pk, "order_number": "PO-1001"},
    }


def test_a_synced_order_is_told_to_its_subscriber_only(subscribers, order_request, rfi_answered):
    settle(request=order_request, outcome="synced")

    data = only_for(subscribers, "order.synced").payload["data"]
    assert data["agreement"]["status"] == "active"


def test_a_rejected_order_is_told_with_the_reason(subscribers, order_request):
    settle(request=order_request, outcome="rejected", reason="Unknown domain")

    data = only_for(subscribers, "order.rejected").payload["data"]
    assert (data["agreement"]["status"], data["reason"]) == ("rejected", "Unknown domain")


def test_a_submitted_change_order_is_told_with_the_version_it_replaces(
    subscribers, submit_change, northwind
):
    submit_change(northwind, "700")

    data = only_for(subscribers, "change.submitted").payload["data"]
    assert data["agreement"]["version"] == 2
    assert data["agreement"]["status"] == "upsell_pending"
    assert data["agreement"]["totals"]["monthly"] == "2065.00"
    assert data["change_order"]["kind"] == "upsell"
    assert data["change_order"]["replaces_version"] == 1
    assert data["change_order"]["order_number"] == "PO-77"


def test_a_synced_or_rejected_change_order_is_told_to_its_subscribers(
    subscribers, submit_change, northwind, fabrikam
):
    settle(request=submit_change(northwind, "700"), outcome="synced")
    settle(request=submit_change(fabrikam, "400"), outcome="rejected", reason="Over quota")

    assert only_for(subscribers, "change.synced").payload["data"]["company"]["id"] == northwind.pk
    rejected = only_for(subscribers, "change.rejected").payload["data"]
    assert (rejected["company"]["id"], rejected["reason"]) == (fabrikam.pk, "Over quota")


def test_a_submitted_rfi_is_told_once_without_its_answers(subscribers, order_request):
    rfi = order_request.company.rfi

    rfi_save(rfi=rfi, answers={"notes": "Go live in March", "contact_name": "Tom Tech"})
    rfi_save(rfi=rfi, answers={"notes": "Go live in April"})  # a change, not a submission

    data = only_for(subscribers, "rfi.submitted").payload["data"]
    assert data["company"] == {"id": rfi.company_id, "name": "Contoso Pharmaceuticals"}
    assert data["rfi"]["id"] == rfi.pk
    assert "Tom Tech" not in str(data)


def test_a_partner_without_endpoints_gets_no_deliveries(order_request, rfi_answered):
    settle(request=order_request, outcome="synced")

    assert deliveries() == []


def test_a_cancelled_downsell_is_told_to_its_subscribers(
    subscribers, submit_change, fabrikam, acme_admin
):
    from portal.changes.downsell import downsell_cancel

    request = submit_change(fabrikam, "200")
    downsell_cancel(agreement=request.agreement, actor=acme_admin)

    data = only_for(subscribers, "change.cancelled").payload["data"]
    assert data["company"]["id"] == fabrikam.pk
    assert (data["agreement"]["version"], data["agreement"]["status"]) == (2, "cancelled")
    assert data["change_order"]["kind"] == "downsell"


def test_a_synced_order_is_told_with_the_vendors_note(subscribers, order_request, rfi_answered):
    settle(request=order_request, outcome="synced", reason="Provisioned on tenant 42")

    data = only_for(subscribers, "order.synced").payload["data"]
    assert data["reason"] == "Provisioned on tenant 42"


def test_a_version_settled_without_a_request_is_told_and_emailed_together(
    subscribers, order_request, staff
):
    """Staff confirming a version made before sync existed: the webhook and the submitter's
    e-mail follow from the same event, as for a callback."""
    agreement = order_request.agreement
    order_request.delete()
    mails = OutgoingMessage.objects.filter(template="provisioning_synced").count()

    staff_settle_agreement(agreement=agreement, outcome="synced", reason="", actor=staff)

    assert only_for(subscribers, "order.synced").payload["data"]["agreement"]["status"] == "active"
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == mails + 1
