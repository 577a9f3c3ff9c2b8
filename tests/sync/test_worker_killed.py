"""A real worker process killed (SIGKILL) while the vendor holds its POST: the request is
delivered later by another worker, and the vendor's confirmations make one state change.

PostgreSQL only: the killed worker is a separate process, which needs a server database to
share with the test (the SQLite test database lives in this process's memory).
"""

import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.sync.models import ProvisioningRequest
from tests.fixtures.sync import SECRET, answer_rfi

from .test_callback import confirmation, post

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database: two processes"
    ),
    pytest.mark.django_db(transaction=True),
]


def worker_process(vendor_url: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SYNC_VENDOR_URL": vendor_url,
        "SYNC_SECRET": SECRET,
        "SYNC_TIMEOUT_SECONDS": "30",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_delivery_leaves_the_request_to_be_delivered_once_more(
    client, order_request, vendor, run_worker
):
    vendor.mode, vendor.delay = "slow", 3
    worker = worker_process(vendor.url)
    try:
        assert vendor.arrived.wait(30), "the worker never reached the vendor"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(10)

    killed = ProvisioningRequest.objects.get(pk=order_request.pk)
    assert (killed.status, killed.attempts) == ("queued", 1)
    assert killed.claimed_until is not None  # the dead worker's claim
    assert len(vendor.received) == 1

    # Later: the claim has run out and the watch hands the request to a live worker.
    vendor.mode = "ok"
    lapsed = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    ProvisioningRequest.objects.filter(pk=order_request.pk).update(claimed_until=lapsed)
    call_command("outbox_recover", verbosity=0)
    run_worker()

    delivered = ProvisioningRequest.objects.get(pk=order_request.pk)
    assert (delivered.status, delivered.attempts) == ("sent", 2)
    first, second = vendor.received
    assert first["body"] == second["body"]
    assert first["headers"]["Idempotency-Key"] == second["headers"]["Idempotency-Key"]

    # The vendor provisions the key once (the new order's RFI answered meanwhile) but may
    # confirm after each delivery.
    answer_rfi(order_request.company)
    post(client, confirmation(order_request))
    time.sleep(1.01)
    post(client, confirmation(order_request))

    company = Company.objects.get(pk=order_request.company_id)
    assert company.status == Company.Status.COMPLETE
    assert Agreement.objects.get(pk=order_request.agreement_id).status == "active"
    synced = [e for e in history_for(company) if "synced with the vendor" in e.summary]
    assert len(synced) == 1
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1
