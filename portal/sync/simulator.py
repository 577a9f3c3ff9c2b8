"""The built-in simulated provisioner, used when no vendor endpoint is configured.

It stands in for the vendor: a request it "received" is confirmed after
``SYNC_SIMULATOR_DELAY_SECONDS`` with a signed callback that goes through ``callbacks.receive``
exactly as the vendor's would (only the HTTP hop is skipped), so a fresh machine runs the
whole lifecycle: submitted, synced, Active, Complete.
"""

import json

from portal.core.signing import signed_headers

from .callbacks import receive
from .models import ProvisioningCallback, ProvisioningRequest
from .signing import sync_secret


def simulate_confirmation(*, request_id: int) -> str:
    request = ProvisioningRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "no such request"
    body = json.dumps(
        {"request_id": str(request.key), "partner_id": request.partner_id, "status": "synced"}
    ).encode()
    answer = receive(
        body=body,
        headers=signed_headers(sync_secret(), body),
        source=ProvisioningCallback.Source.SIMULATOR,
    )
    return f"{answer.http_status} {answer.body}"
