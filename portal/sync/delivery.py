"""Delivering a provisioning request: one signed POST of its JSON per try.

A 2xx answer with a JSON object means the vendor has the request; the vendor confirms it
later through the callback. A timeout, a connection failure, a 5xx, 408, 429 or an
unreadable answer is retried with back-off; any other 4xx will not get better by itself and
fails at once. With no ``SYNC_VENDOR_URL`` the simulated provisioner takes the request.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from portal.core.delivery import claim, finish, redeliver
from portal.core.posting import Undelivered, json_body, signed_post

from .models import ProvisioningRequest
from .signing import sync_secret
from .tasks import deliver_request, enqueue_in_transaction, simulated_confirmation


def request_body(request: ProvisioningRequest) -> bytes:
    """The exact bytes signed and sent: the same for every try of one request."""
    return json_body(request.payload)


def post(request: ProvisioningRequest) -> int:
    """POST the request to the vendor; the HTTP status, or ``Undelivered`` saying why not."""
    return signed_post(
        settings.SYNC_VENDOR_URL,
        request_body(request),
        secret=sync_secret(),
        headers={"Idempotency-Key": str(request.key)},
        timeout=settings.SYNC_TIMEOUT_SECONDS,
    )


def request_deliver(*, request_id: int) -> str:
    lease = datetime.timedelta(seconds=settings.SYNC_TIMEOUT_SECONDS + 60)
    request = claim(ProvisioningRequest.objects.all(), request_id, lease=lease)
    if request is None:
        return "nothing to deliver"
    error, give_up, code, on_done = None, False, None, None
    if settings.SYNC_VENDOR_URL:
        try:
            code = post(request)
        except Undelivered as exc:
            error, give_up, code = str(exc), exc.permanent, exc.code
    else:
        # The simulated provisioner "receives" it now and confirms after its delay.
        delay = datetime.timedelta(seconds=settings.SYNC_SIMULATOR_DELAY_SECONDS)

        def on_done():
            enqueue_in_transaction(
                simulated_confirmation,
                run_after=timezone.now() + delay,
                request_id=request.pk,
            )

    return finish(
        request,
        error=error,
        give_up=give_up,
        done_status=ProvisioningRequest.Status.SENT,
        done_fields={"delivered_at": timezone.now()},
        tried_fields={"response_code": code},
        max_attempts=settings.SYNC_MAX_ATTEMPTS,
        base_seconds=settings.SYNC_RETRY_BASE_SECONDS,
        retry=lambda when: enqueue_in_transaction(
            deliver_request, run_after=when, request_id=request.pk
        ),
        on_done=on_done,
    )


def request_retry(*, request: ProvisioningRequest) -> bool:
    """Staff give a failed request another round of tries; False if it is not failed."""
    return redeliver(
        request, retry=lambda: enqueue_in_transaction(deliver_request, request_id=request.pk)
    )
