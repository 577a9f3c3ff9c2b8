"""Delivering a provisioning request: one signed POST of its JSON per try.

A 2xx answer with a JSON object means the vendor has the request; the vendor confirms it
later through the callback. A timeout, a connection failure, a 5xx, 408, 429 or an
unreadable answer is retried with back-off; any other 4xx will not get better by itself and
fails at once. With no ``SYNC_VENDOR_URL`` the simulated provisioner takes the request.
"""

import datetime
import http.client
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.utils import timezone

from portal.core.delivery import claim, finish, redeliver
from portal.core.signing import signed_headers

from .models import ProvisioningRequest
from .signing import sync_secret
from .tasks import deliver_request, enqueue_in_transaction, simulated_confirmation

RETRIED_4XX = {408, 425, 429}


class Undelivered(Exception):
    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


def request_body(request: ProvisioningRequest) -> bytes:
    """The exact bytes signed and sent: the same for every try of one request."""
    return json.dumps(request.payload, sort_keys=True, separators=(",", ":")).encode()


def post(request: ProvisioningRequest) -> int:
    """POST the request to the vendor; the HTTP status, or ``Undelivered`` saying why not."""
    body = request_body(request)
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(request.key),
        "User-Agent": "msp-partner-portal",
        **signed_headers(sync_secret(), body),
    }
    http_request = urllib.request.Request(
        settings.SYNC_VENDOR_URL, data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http_request, timeout=settings.SYNC_TIMEOUT_SECONDS) as answer:
            code, text = answer.status, answer.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode(errors="replace").strip()
        raise Undelivered(
            f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""),
            permanent=400 <= exc.code < 500 and exc.code not in RETRIED_4XX,
            code=exc.code,
        ) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Undelivered(f"{type(reason).__name__}: {reason}") from None
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        shown = text[:120].decode(errors="replace")
        raise Undelivered(f"HTTP {code} with an unreadable answer: {shown!r}", code=code)
    return code


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
