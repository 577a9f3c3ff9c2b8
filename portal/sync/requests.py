"""Writing a provisioning request, in the transaction of the order, change or cancellation.

The payload is fixed when the request is written: the vendor is told what was ordered then,
whatever changes in the portal afterwards.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.companies.agreement_json import agreement_json
from portal.companies.models import Agreement

from .models import ProvisioningRequest
from .tasks import REQUESTS

# 2: the agreement carries status_label and its four totals, as in the API and webhooks.
PROTOCOL_VERSION = 2


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def _lines(agreement: Agreement) -> list[dict]:
    return [
        {
            "product": line.code,
            "name": line.name,
            "term": line.term,
            "charge": line.charge,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "payment": str(line.payment),
        }
        for line in agreement.lines.order_by("id")
    ]


def request_payload(request: ProvisioningRequest, submission, replaces: Agreement | None):
    """What the vendor needs to provision it: for whom, what, which version, and the key."""
    agreement, company, partner = request.agreement, request.company, request.partner
    summary = agreement_json(agreement)
    payload = {
        "protocol_version": PROTOCOL_VERSION,
        "request_id": str(request.key),
        "idempotency_key": str(request.key),
        "action": request.action,
        "partner": {"id": partner.pk, "name": partner.name},
        "customer": {
            "id": company.pk,
            "name": company.name,
            "domain": company.domain,
            "permitted_users": company.permitted_users,
        },
        "agreement": {
            **summary,
            # Protocol 1 put the label in "status", and vendors read it there: it stays until a
            # protocol 3; status_label carries the same words under the portal's one name.
            "status": summary["status_label"],
            "lines": _lines(agreement),
        },
        "replaces_version": replaces.version if replaces else None,
        "kind": getattr(submission, "kind", "new") if submission else None,
        "effective_on": _moment(getattr(submission, "effective_on", None)),
        "order_number": submission.order_number if submission else "",
        "submitted_by": submission.submitted_by.email if submission else None,
        "submitted_at": _moment(submission.submitted_at) if submission else None,
        "callback_url": settings.SITE_URL + reverse("sync:callback"),
        "created_at": _moment(request.created_at),
    }
    if request.action == ProvisioningRequest.Action.CANCEL:
        original = agreement.provisioning_requests.exclude(action=request.action).first()
        payload["cancels_request_id"] = str(original.key) if original else None
    return payload


def provisioning_queue(*, agreement: Agreement, action: str, submission=None, replaces=None):
    """Write the request and enqueue its delivery; call inside the submitting transaction.

    ``submission``: the Order or ChangeOrder that made ``agreement`` (for a cancellation, the
    change order being cancelled); ``replaces``: the version it replaces, if any.
    """
    company = agreement.company
    request = ProvisioningRequest(
        partner_id=company.partner_id,
        company=company,
        agreement=agreement,
        action=action,
        created_at=timezone.now(),
    )
    request.payload = request_payload(request, submission, replaces)
    request.save()
    REQUESTS.enqueue(request.pk)
    return request
