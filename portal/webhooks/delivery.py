"""Delivering a webhook: one signed POST of its JSON per try, to the endpoint's URL.

Any 2xx answer means the MSP's system has it (its body is not read). A timeout, a connection
failure, a 5xx, 408, 425 or 429 is retried with back-off up to ``WEBHOOK_MAX_ATTEMPTS``; any
other 4xx, a redirect (not followed), an inactive endpoint or, unless
``WEBHOOK_ALLOW_PRIVATE_ADDRESSES``, an address on a private or local network fails at once.
The Admin sees each in the delivery log and can Send again.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from portal.core.outbox import Undelivered
from portal.core.outbox.posting import json_body, signed_post

from .addresses import is_public
from .models import Event, WebhookDelivery

EVENT_HEADER = "X-Portal-Event"
DELIVERY_HEADER = "X-Portal-Delivery"


def vetted_addresses(url: str) -> list[str] | None:
    """The IP addresses to send to: the host's, if every address it has is public (an MSP
    must not reach the portal's own neighbours through a webhook). The POST then connects to
    these very addresses, so a name that resolves differently a moment later changes nothing.
    None with ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` (tests, closed networks)."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Undelivered(f"Could not resolve {parts.hostname}: {exc}") from None
    addresses = [address[0].split("%")[0] for *_, address in found]
    if not all(is_public(address) for address in addresses):
        # The address itself is not told for a name: the message is shown to the MSP, and
        # what the portal's own network looks like is none of their business.
        literal = _is_ip(parts.hostname)
        raise Undelivered(
            f"Not sent: {parts.hostname} {'is' if literal else 'resolves to'} a private or "
            "local address; webhooks go to public addresses only.",
            permanent=True,
        )
    return list(dict.fromkeys(addresses))


def _is_ip(host: str | None) -> bool:
    try:
        ipaddress.ip_address(host or "")
    except ValueError:
        return False
    return True


def post(delivery: WebhookDelivery) -> int:
    """POST the delivery to its endpoint; the HTTP status, or ``Undelivered`` saying why not."""
    endpoint = delivery.endpoint
    if not endpoint.is_active and delivery.event != Event.TEST:
        raise Undelivered("Not sent: the endpoint is not active.", permanent=True)
    addresses = vetted_addresses(endpoint.url)
    return signed_post(
        endpoint.url,
        json_body(delivery.payload),
        secret=endpoint.secret,
        headers={EVENT_HEADER: delivery.event, DELIVERY_HEADER: str(delivery.key)},
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        json_answer=False,
        follow_redirects=False,
        connect_to=addresses,
    )
