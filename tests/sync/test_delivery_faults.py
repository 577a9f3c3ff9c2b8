"""Delivering a provisioning request when things go wrong: the vendor down, slow, answering
nonsense or refusing; a worker killed mid-delivery; two workers on one row; a callback that
overtakes the delivery. Whatever happens, no state change is lost and none happens twice."""

import datetime
import json
import time
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.datastructures import CaseInsensitiveMapping
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.companies.models import Agreement, Company
from portal.core.history import history_for
from portal.core.models import OutgoingMessage
from portal.core.outbox import Undelivered, recover_all
from portal.core.signing import signed_headers, verify
from portal.sync import delivery
from portal.sync.callbacks import receive
from portal.sync.delivery import request_body
from portal.sync.models import ProvisioningCallback, ProvisioningRequest
from portal.sync.tasks import request_deliver, request_retry
from tests.fixtures.sync import SECRET, answer_rfi

from .vendor_server import VendorServer

DELIVER_TASK = "portal.sync.tasks.deliver_request"
REAL_POST = delivery.post
COMPLETED = {"status": ["Customer (In Progress)", "Customer (Complete)"]}
SYNCED_SUMMARY = "Agreement version 1 synced with the vendor: New Order Pending → Active"


# -- helpers -------------------------------------------------------------------------------


def deliver(request: ProvisioningRequest) -> str:
    return request_deliver(request_id=request.pk)


def fresh(request: ProvisioningRequest) -> ProvisioningRequest:
    request.refresh_from_db()
    return request


def make_due(request: ProvisioningRequest) -> None:
    """Time passes: the retry the last failure asked for is due."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    ProvisioningRequest.objects.filter(pk=request.pk).update(next_attempt_at=past)


def lapse_claim(request: ProvisioningRequest) -> None:
    """Time passes: the lease of the worker holding the row has run out."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    ProvisioningRequest.objects.filter(pk=request.pk).update(claimed_until=past)


def delivery_tasks(request: ProvisioningRequest) -> list[DBTaskResult]:
    """The deliver_request tasks queued for ``request``, oldest first."""
    return [
        task
        for task in DBTaskResult.objects.filter(task_path=DELIVER_TASK).order_by("enqueued_at")
        if task.args_kwargs["kwargs"] == {"request_id": request.pk}
    ]


def retry_tasks(request: ProvisioningRequest) -> list[DBTaskResult]:
    """Its delivery tasks that wait for a time (a retry), not the ones due at once."""
    return [task for task in delivery_tasks(request) if task.run_after != get_date_max()]


def callback(request: ProvisioningRequest, status="synced", *, now=None, reason=""):
    """The vendor's signed confirmation, as the callback view hands it over."""
    payload = {"request_id": str(request.key), "partner_id": request.partner_id, "status": status}
    if reason:
        payload["reason"] = reason
    body = json.dumps(payload).encode()
    return receive(body=body, headers=signed_headers(SECRET, body, now=now), source="vendor")


def synced_entries(request: ProvisioningRequest) -> list[str]:
    company = Company.objects.get(pk=request.company_id)
    return [e.summary for e in history_for(company) if "synced with the vendor" in e.summary]


def complete_entries(request: ProvisioningRequest) -> list[dict]:
    """The company's history entries of its change to Complete."""
    company = Company.objects.get(pk=request.company_id)
    complete = Company.Status.COMPLETE.label
    return [
        e.changes for e in history_for(company) if e.changes.get("status", [""])[-1] == complete
    ]


def lifecycle(request: ProvisioningRequest) -> tuple[str, str, str]:
    fresh(request)
    agreement = Agreement.objects.get(pk=request.agreement_id)
    company = Company.objects.get(pk=request.company_id)
    return request.status, agreement.status, company.status


def assert_untouched_downstream(request: ProvisioningRequest) -> None:
    """Delivery alone never settles: the order waits for the vendor's confirmation."""
    assert lifecycle(request)[1:] == ("new_pending", "in_progress")
    assert synced_entries(request) == []
    assert not OutgoingMessage.objects.filter(template__startswith="provisioning_").exists()


def assert_seconds_between(delta: datetime.timedelta, low: float, high: float) -> None:
    assert low <= delta.total_seconds() <= high, delta.total_seconds()


def header(received: dict, name: str) -> str:
    return CaseInsensitiveMapping(received["headers"])[name]


# -- 1. the vendor is down -----------------------------------------------------------------


def test_vendor_down_is_retried_then_failed_then_delivered_once_after_a_staff_retry(
    order_request, closed_port_url, sync_settings
):
    before = timezone.now()
    assert deliver(order_request) == "queued"
    after = timezone.now()

    request = fresh(order_request)
    assert (request.status, request.attempts, request.claimed_until) == ("queued", 1, None)
    assert request.last_error.startswith("ConnectionRefusedError:")
    assert "Connection refused" in request.last_error
    assert request.response_code is None and request.delivered_at is None
    # 60 s × uniform(0.75, 1.25) from the moment of the try
    assert before + datetime.timedelta(seconds=45) <= request.next_attempt_at
    assert request.next_attempt_at <= after + datetime.timedelta(seconds=75)
    [retry] = retry_tasks(request)
    assert retry.run_after == request.next_attempt_at
    assert retry.status == "READY"

    # Not due yet: a task that runs early does nothing, counts nothing.
    assert deliver(request) == "nothing to deliver"
    assert fresh(request).attempts == 1

    make_due(request)
    assert deliver(request) == "queued"
    assert (fresh(request).status, request.attempts) == ("queued", 2)
    assert len(retry_tasks(request)) == 2

    make_due(request)
    assert deliver(request) == "failed"
    request = fresh(request)
    assert (request.status, request.attempts) == ("failed", sync_settings.SYNC_MAX_ATTEMPTS)
    assert request.last_error.startswith("ConnectionRefusedError:")
    assert (request.next_attempt_at, request.claimed_until) == (None, None)
    assert len(retry_tasks(request)) == 2  # giving up queues no further try

    # Failed is final for the tasks: only staff bring it back.
    assert deliver(request) == "nothing to deliver"
    assert fresh(request).attempts == 3
    assert_untouched_downstream(request)

    tasks_before = len(delivery_tasks(request))
    assert request_retry(request=request) is True
    request = fresh(request)
    assert (request.status, request.attempts, request.next_attempt_at) == ("queued", 0, None)
    assert len(delivery_tasks(request)) == tasks_before + 1
    assert request_retry(request=request) is False  # not failed: nothing to do
    assert len(delivery_tasks(request)) == tasks_before + 1

    with VendorServer() as vendor:
        sync_settings.SYNC_VENDOR_URL = vendor.url
        assert deliver(request) == "sent"
        assert deliver(request) == "nothing to deliver"  # the task queued twice: sent once
        assert len(vendor.received) == 1
        assert vendor.payloads()[0]["request_id"] == str(request.key)

    request = fresh(request)
    assert (request.status, request.attempts, request.last_error) == ("sent", 1, "")
    assert request.response_code == 200
    assert request.delivered_at is not None
    assert (request.next_attempt_at, request.claimed_until) == (None, None)
    assert_untouched_downstream(request)


# -- 2. the vendor is slow -----------------------------------------------------------------


def test_a_slow_vendor_times_out_and_the_retry_is_a_byte_identical_signed_duplicate(
    order_request, vendor
):
    vendor.mode, vendor.delay = "slow", 2.0

    started = time.monotonic()
    assert deliver(order_request) == "queued"
    assert time.monotonic() - started < 1.5  # the timeout of 0.5 s, not the vendor's 2 s

    request = fresh(order_request)
    assert (request.status, request.attempts) == ("queued", 1)
    assert request.last_error == "TimeoutError: timed out"
    assert request.response_code is None
    assert request.next_attempt_at is not None
    assert len(retry_tasks(request)) == 1
    # ... and yet the vendor has the request: the retry will be a duplicate for it.
    assert vendor.arrived.wait(1)
    assert len(vendor.received) == 1

    vendor.mode = "ok"
    make_due(request)
    assert deliver(request) == "sent"

    first, second = vendor.received
    assert first["body"] == second["body"] == request_body(request)
    assert header(first, "Idempotency-Key") == header(second, "Idempotency-Key") == str(request.key)
    assert [p["request_id"] for p in vendor.payloads()] == [str(request.key)] * 2
    for received in (first, second):
        signature = verify(
            SECRET, CaseInsensitiveMapping(received["headers"]), received["body"], max_age=300
        )
        assert signature == header(received, "X-Portal-Signature")
        assert signature.startswith("sha256=")
    request = fresh(request)
    assert (request.status, request.attempts, request.last_error) == ("sent", 2, "")
    assert_untouched_downstream(request)


# -- 3. the vendor answers nonsense or refuses ------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "error_starts", "code"),
    [
        ("error", "HTTP 500 Internal Server Error: Internal Server Error", 500),
        ("garbage", "HTTP 200 with an unreadable answer: '<html>maintenance</html>'", 200),
        ("broken", "BadStatusLine:", None),
    ],
)
def test_a_vendor_error_or_unreadable_answer_is_retried(
    order_request, vendor, mode, error_starts, code
):
    vendor.mode = mode

    assert deliver(order_request) == "queued"

    request = fresh(order_request)
    assert (request.status, request.attempts, request.response_code) == ("queued", 1, code)
    assert request.last_error.startswith(error_starts), request.last_error
    if mode == "garbage":
        assert "unreadable" in request.last_error
    assert request.next_attempt_at is not None and request.delivered_at is None
    [retry] = retry_tasks(request)
    assert retry.run_after == request.next_attempt_at
    assert len(vendor.received) == 1

    vendor.mode = "ok"
    make_due(request)
    assert deliver(request) == "sent"
    assert (fresh(request).attempts, request.response_code, request.last_error) == (2, 200, "")
    assert len(vendor.received) == 2
    assert_untouched_downstream(request)


def test_a_vendor_refusal_fails_at_once_after_one_attempt(order_request, vendor):
    vendor.mode = "reject"

    assert deliver(order_request) == "failed"

    request = fresh(order_request)
    assert (request.status, request.attempts, request.response_code) == ("failed", 1, 400)
    assert request.last_error == "HTTP 400 Bad Request: unknown product"
    assert (request.next_attempt_at, request.claimed_until) == (None, None)
    assert retry_tasks(request) == []
    assert deliver(request) == "nothing to deliver"
    assert len(vendor.received) == 1
    assert_untouched_downstream(request)


# -- 4. back-off -----------------------------------------------------------------------------


def test_backoff_grows_fourfold_with_each_failure_within_the_jitter(order_request, vendor):
    vendor.mode = "error"
    deltas = []
    for _ in range(2):
        make_due(order_request)
        before = timezone.now()
        assert deliver(order_request) == "queued"
        after = timezone.now()
        request = fresh(order_request)
        deltas.append((request.next_attempt_at - before, request.next_attempt_at - after))

    (first_max, first_min), (second_max, second_min) = deltas
    assert_seconds_between(first_min, 45, 75)  # 60 s ± 25 %
    assert_seconds_between(first_max, 45, 75)
    assert_seconds_between(second_min, 180, 300)  # 240 s ± 25 %
    assert_seconds_between(second_max, 180, 300)
    assert [t.run_after for t in retry_tasks(order_request)][-1] == order_request.next_attempt_at

    make_due(order_request)
    assert deliver(order_request) == "failed"  # the 3rd of SYNC_MAX_ATTEMPTS = 3
    assert fresh(order_request).attempts == 3
    assert len(retry_tasks(order_request)) == 2
    assert len(vendor.received) == 3


@pytest.mark.parametrize(("jitter", "expected"), [(0.75, [45, 180]), (1.25, [75, 300])])
def test_backoff_jitter_is_applied_to_base_times_four_to_the_attempts(
    order_request, vendor, jitter, expected
):
    vendor.mode = "error"
    now = timezone.now()
    seconds = []
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        mock.patch("portal.core.outbox.kinds.random.uniform", return_value=jitter) as uniform,
    ):
        for _ in range(2):
            assert deliver(order_request) == "queued"
            request = fresh(order_request)
            seconds.append((request.next_attempt_at - now).total_seconds())
            ProvisioningRequest.objects.filter(pk=request.pk).update(next_attempt_at=now)
    assert seconds == expected
    assert uniform.call_args_list == [mock.call(0.75, 1.25)] * 2


# -- 5. a worker killed mid-delivery ---------------------------------------------------------


def killed_after_posting(request):
    """The vendor got the body; then the worker is killed before it records anything."""
    REAL_POST(request)
    raise KeyboardInterrupt


def test_a_worker_killed_mid_delivery_is_recovered_and_the_duplicate_settles_once(
    order_request, rfi_answered, vendor, acme_admin
):
    with (
        mock.patch("portal.sync.delivery.post", killed_after_posting),
        pytest.raises(KeyboardInterrupt),
    ):
        deliver(order_request)

    request = fresh(order_request)
    assert (request.status, request.attempts, request.response_code) == ("queued", 1, None)
    assert request.claimed_until > timezone.now()  # still held, by a worker that is gone
    assert request.last_error == "" and request.delivered_at is None
    assert len(vendor.received) == 1

    # While the claim holds, neither another task nor recovery touches it.
    assert deliver(request) == "nothing to deliver"
    assert recover_all(after=datetime.timedelta(seconds=120))["provisioning requests"] == 0
    assert len(delivery_tasks(request)) == 1  # the one queued with the order
    assert (fresh(request).attempts, len(vendor.received)) == (1, 1)

    # The lease runs out: recovery hands it to a new task, which delivers it again.
    later = timezone.now() + datetime.timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert recover_all(after=datetime.timedelta(seconds=120))["provisioning requests"] == 1
    assert len(delivery_tasks(request)) == 2
    lapse_claim(request)
    assert deliver(request) == "sent"

    request = fresh(request)
    assert (request.status, request.attempts, request.claimed_until) == ("sent", 2, None)
    assert recover_all(after=datetime.timedelta(seconds=120))["provisioning requests"] == 0
    assert [p["request_id"] for p in vendor.payloads()] == [str(request.key)] * 2
    assert vendor.received[0]["body"] == vendor.received[1]["body"]
    assert_untouched_downstream(request)

    # The vendor confirms each delivery it got: two callbacks, other timestamps.
    first = callback(request, now=time.time() - 5)
    second = callback(request)

    assert (first.http_status, first.body["result"]) == (200, "applied")
    assert (second.http_status, second.body["result"]) == (200, "unchanged")
    assert lifecycle(request) == ("synced", "active", "complete")
    assert synced_entries(request) == [SYNCED_SUMMARY]
    assert complete_entries(request) == [COMPLETED]
    [synced_mail] = OutgoingMessage.objects.filter(template="provisioning_synced")
    assert synced_mail.to == [acme_admin.email]
    agreement = Agreement.objects.get(pk=request.agreement_id)
    assert agreement.activated_at is not None
    assert ProvisioningCallback.objects.filter(request=request).count() == 2
    # Late, the synced request is left alone by the tasks and by recovery.
    assert deliver(request) == "nothing to deliver"
    assert recover_all(after=datetime.timedelta(seconds=120))["provisioning requests"] == 0
    assert fresh(request).attempts == 2


# -- 6. two deliveries of one row at once ----------------------------------------------------


def test_a_second_delivery_while_the_first_holds_the_claim_does_nothing(order_request, vendor):
    overlapping = []

    def post_while_another_task_runs(request):
        # The first worker is mid-POST; the second task for the same row starts now.
        overlapping.append(request_deliver(request_id=request.pk))
        return REAL_POST(request)

    with mock.patch("portal.sync.delivery.post", post_while_another_task_runs):
        assert deliver(order_request) == "sent"

    assert overlapping == ["nothing to deliver"]
    assert len(vendor.received) == 1
    request = fresh(order_request)
    assert (request.status, request.attempts, request.response_code) == ("sent", 1, 200)
    assert retry_tasks(request) == []
    assert_untouched_downstream(request)


# -- 7. a finish that lost its claim writes nothing ------------------------------------------


@pytest.mark.parametrize("mode", ["ok", "error"])
def test_a_callback_that_settles_during_the_post_is_not_overwritten_by_the_delivery(
    order_request, rfi_answered, vendor, mode
):
    vendor.mode = mode
    answers = []

    def post_then_confirmed(request):
        try:
            return REAL_POST(request)
        finally:
            # The vendor provisioned it and called back before the POST returned.
            answers.append(callback(request))

    with mock.patch("portal.sync.delivery.post", post_then_confirmed):
        assert deliver(order_request) == "synced"

    assert [(a.http_status, a.body["result"]) for a in answers] == [(200, "applied")]
    request = fresh(order_request)
    assert lifecycle(request) == ("synced", "active", "complete")
    assert (request.attempts, request.last_error) == (1, "")
    assert (request.next_attempt_at, request.claimed_until) == (None, None)
    assert request.settled_at is not None and request.delivered_at is not None
    assert retry_tasks(request) == []  # the failed POST asked for no retry of a synced request
    assert synced_entries(request) == [SYNCED_SUMMARY]
    assert OutgoingMessage.objects.filter(template="provisioning_synced").count() == 1
    assert deliver(request) == "nothing to deliver"
    assert len(vendor.received) == 1


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_worker_that_took_over(
    order_request, vendor
):
    taken_over = []

    def slow_first_worker(request):
        # Worker A is so slow that its lease runs out; worker B takes the row and delivers it.
        lapse_claim(request)
        with mock.patch("portal.sync.delivery.post", REAL_POST):
            taken_over.append(request_deliver(request_id=request.pk))
        raise Undelivered("TimeoutError: timed out")  # ... then A's POST fails after all

    with mock.patch("portal.sync.delivery.post", slow_first_worker):
        assert deliver(order_request) == "sent"  # A records nothing: B's record stands

    assert taken_over == ["sent"]
    request = fresh(order_request)
    assert (request.status, request.attempts, request.last_error) == ("sent", 2, "")
    assert (request.next_attempt_at, request.claimed_until) == (None, None)
    assert request.response_code == 200
    assert retry_tasks(request) == []
    assert len(vendor.received) == 1


def test_a_worker_whose_lease_ran_out_does_not_overwrite_the_response_code(order_request, vendor):
    def slow_first_worker(request):
        lapse_claim(request)
        with mock.patch("portal.sync.delivery.post", REAL_POST):
            assert request_deliver(request_id=request.pk) == "sent"  # worker B: 200
        raise Undelivered("HTTP 503 Service Unavailable", code=503)  # worker A, late

    with mock.patch("portal.sync.delivery.post", slow_first_worker):
        assert deliver(order_request) == "sent"

    request = fresh(order_request)
    assert request.status == "sent"
    assert request.response_code == 200  # the code of the delivery that counted


# -- 8. end to end with the real worker ------------------------------------------------------


@pytest.fixture
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_worker_delivers_to_the_vendor_and_its_callback_completes_the_customer(
    run_worker, order_request, vendor, locmem_mail, acme_admin
):
    order_mails = OutgoingMessage.objects.count()
    assert sorted(OutgoingMessage.objects.values_list("template", flat=True)) == [
        "order_submitted",  # the order's own e-mails, queued with it
        "rfi_request",
    ]

    run_worker()

    request = fresh(order_request)
    assert (request.status, request.attempts, request.response_code) == ("sent", 1, 200)
    assert request.delivered_at is not None
    assert [p["request_id"] for p in vendor.payloads()] == [str(request.key)]
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == [acme_admin.email] * order_mails
    assert lifecycle(request) == ("sent", "new_pending", "in_progress")
    assert [t.status for t in delivery_tasks(request)] == ["SUCCESSFUL"]

    # The order waits for its Request for Information: a confirmation now is refused.
    early = callback(request)
    assert early.http_status == 409
    assert "waits for its Request for Information" in early.body["error"]
    assert lifecycle(request) == ("sent", "new_pending", "in_progress")

    answers = answer_rfi(request.company)
    run_worker()
    assert fresh(answers).status == "sent"
    assert [p["action"] for p in vendor.payloads()] == ["order", "rfi"]
    assert vendor.payloads()[1]["rfi"]["answers"]["contact_name"] == "Tom Tech"
    answer = callback(request)
    run_worker()

    assert (answer.http_status, answer.body["result"]) == (200, "applied")
    assert lifecycle(request) == ("synced", "active", "complete")
    assert fresh(answers).status == "synced"  # settled with the order
    assert synced_entries(request) == [SYNCED_SUMMARY]
    [synced] = OutgoingMessage.objects.filter(template="provisioning_synced")
    assert (synced.status, synced.to) == ("sent", [acme_admin.email])
    assert len(mail.outbox) == order_mails + 1
    assert len(vendor.received) == 2  # the worker delivered neither again


def test_the_worker_alone_takes_the_order_to_complete_with_the_simulated_provisioner(
    run_worker, order_request, sync_settings, locmem_mail, acme_admin
):
    sync_settings.SYNC_VENDOR_URL = ""
    order_mails = OutgoingMessage.objects.count()

    run_worker()

    # The simulated provisioner has the order, and waits for its Request for Information.
    request = fresh(order_request)
    assert lifecycle(request) == ("sent", "new_pending", "in_progress")
    assert not ProvisioningCallback.objects.exists()
    answers = answer_rfi(request.company)
    run_worker()

    request = fresh(order_request)
    assert lifecycle(request) == ("synced", "active", "complete")
    assert (request.attempts, request.response_code, request.last_error) == (1, None, "")
    assert request.delivered_at is not None and request.settled_at is not None
    assert fresh(answers).status == "synced"
    # It confirmed the answers' request; that confirmed the order.
    [simulated] = ProvisioningCallback.objects.filter(request=answers)
    assert (simulated.source, simulated.outcome, simulated.http_status) == (
        "simulator",
        "synced",
        200,
    )
    assert synced_entries(request) == [SYNCED_SUMMARY]
    assert complete_entries(request) == [COMPLETED]
    [synced] = OutgoingMessage.objects.filter(template="provisioning_synced")
    assert (synced.status, synced.to) == ("sent", [acme_admin.email])
    assert len(mail.outbox) == order_mails + 1
    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {"sent"}

    run_worker()  # nothing left to do: no second confirmation, no second e-mail
    assert ProvisioningCallback.objects.count() == 1
    assert len(mail.outbox) == order_mails + 1
