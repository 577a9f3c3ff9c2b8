"""Delivering a provisioning request: one signed POST of its JSON per try.

A 2xx answer with a JSON object means the vendor has the request; the vendor confirms it
later through the callback. A timeout, a connection failure, a 5xx, 408, 429 or an
unreadable answer is retried with back-off; any other 4xx will not get better by itself and
fails at once. With no ``SYNC_VENDOR_URL`` the simulated provisioner takes the request.
"""

from django.conf import settings

from portal.core.outbox.posting import json_body, signed_post

from .models import ProvisioningRequest
from .signing import sync_secret


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


def request_send(request: ProvisioningRequest) -> int | None:
    """One try: to the vendor, or with no ``SYNC_VENDOR_URL`` to the simulated provisioner,
    which "receives" it at once (and confirms it later, see ``tasks``)."""
    return post(request) if settings.SYNC_VENDOR_URL else None
