"""The provisioning request is written with the order it reports, and says what the vendor
needs; the simulated provisioner confirms it through the callback's code."""

import pytest
from django.core.checks import run_checks
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from portal.companies.models import Company
from portal.sync.models import ProvisioningCallback, ProvisioningRequest
from portal.sync.simulator import simulate_confirmation
from tests.fixtures.sync import submit_order


def test_a_submitted_order_writes_one_request_saying_what_was_ordered(
    order_request, acme, acme_admin
):
    payload = order_request.payload
    assert (order_request.action, order_request.status) == ("order", "queued")
    assert payload["request_id"] == payload["idempotency_key"] == str(order_request.key)
    assert payload["partner"] == {"id": acme.pk, "name": "Acme IT Services"}
    assert payload["customer"]["name"] == "Contoso Pharmaceuticals"
    assert payload["agreement"]["version"] == 1
    assert payload["agreement"]["status"] == "New Order Pending"
    assert payload["agreement"]["lines"] == [
        {
            "product": "S1",
            "name": "Email Security Cloud Gateway",
            "term": "monthly",
            "charge": "per_seat",
            "quantity": 682,
            "unit_price": "2.9500",
            "payment": "2011.90",
            # A new line's term starts the day it is provisioned.
            "commitment": "monthly",
            "billing": "monthly",
            "term_start": None,
            "term_end": None,
            "auto_renew": True,
        }
    ]
    assert payload["protocol_version"] == 3
    assert payload["submitted_by"] == acme_admin.email
    assert payload["order_number"] == "PO-1001"
    tasks = DBTaskResult.objects.filter(task_path="portal.sync.tasks.deliver_request")
    assert [t.args_kwargs["kwargs"] for t in tasks] == [{"request_id": order_request.pk}]


def test_an_order_rolled_back_leaves_no_request_and_no_task(prospect, acme_admin, sync_settings):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_order(prospect, acme_admin)
        raise RuntimeError("something after the submit failed")

    assert not ProvisioningRequest.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="portal.sync").exists()
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT


def test_the_simulated_provisioner_confirms_through_the_callback(
    order_request, rfi_answered, settings
):
    settings.SYNC_SECRET = ""  # the simulator's own secret, derived from SECRET_KEY

    result = simulate_confirmation(request_id=order_request.pk)

    assert result.startswith("200")
    order_request.refresh_from_db()
    assert order_request.status == "synced"
    assert ProvisioningCallback.objects.get().source == "simulator"
    assert Company.objects.get(pk=order_request.company_id).status == "complete"


def test_a_vendor_endpoint_without_a_secret_fails_the_system_check(settings):
    settings.SYNC_VENDOR_URL = "https://vendor.example/provision"
    settings.SYNC_SECRET = ""

    assert [m.id for m in run_checks() if m.id.startswith("sync.")] == ["sync.E001"]

    settings.SYNC_SECRET = "s3cret"
    assert not [m for m in run_checks() if m.id.startswith("sync.")]
