"""Writing a provisioning request, in the transaction of the order, change or cancellation.

The payload is fixed when the request is written: the vendor is told what was ordered then,
whatever changes in the portal afterwards.
"""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from portal.companies.agreement_json import agreement_json, term_json
from portal.companies.models import Agreement
from portal.core.bulk import objects_insert
from portal.renewals.events import renewal_json
from portal.rfi.models import ANSWER_FIELDS, InformationRequest
from portal.rfi.services import rfi_vendor_state

from .models import ProvisioningRequest
from .tasks import REQUESTS

# 2: the agreement carries status_label and its four totals, as in the API and webhooks.
# 3: a new customer's Request for Information answers come as requests of their own (action
#    "rfi", with "rfi": {"version", "order_request_id", "answers"}); the order waits for them.
# Still 3 with the terms (agreement effective_from/until; each line's commitment, billing,
# term_start, term_end, auto_renew): fields added, none changes meaning (a line's "term" stays
# its price's term), so a vendor that reads 3 reads these requests as before. Still 3 with the
# renewal run's actions "renewal" and "end" and their "renewal" object: an action and fields
# added, none of the others changed.
PROTOCOL_VERSION = 3


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def _lines(agreement: Agreement) -> list[dict]:
    # In their stored order (the model's): none read when prefetched (a renewal run's batch).
    return [
        {
            "product": line.code,
            "name": line.name,
            "term": line.term,
            "charge": line.charge,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "payment": str(line.payment),
            # The subscription term: a kept line's dates run on, a co-termed one has the end
            # of the term it joins, a new one's start the day it is provisioned (null here).
            **term_json(line),
        }
        for line in agreement.lines.all()
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


def _answer(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def rfi_payload(request: ProvisioningRequest, rfi: InformationRequest) -> dict:
    """The order's payload with the answers of one version of the RFI: the vendor provisions
    the order with the newest version it has, and confirms that one."""
    order = getattr(request.agreement, "order", None)
    payload = request_payload(request, order, None)
    original = request.agreement.provisioning_requests.filter(
        action=ProvisioningRequest.Action.ORDER
    ).first()
    payload["rfi"] = {
        "version": request.revision,
        "order_request_id": str(original.key) if original else None,
        "submitted_at": _moment(rfi.submitted_at),
        "changed_at": _moment(rfi.changed_at),
        "answers": {name: _answer(getattr(rfi, name)) for name in ANSWER_FIELDS},
    }
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


def renewals_queue(*, agreements: list[Agreement], action: str, replaced: dict | None = None):
    """The renewal run's requests for a batch of many MSPs' customers: one per version, each
    with ``renewal`` (the day, the products renewed, those ended; ``replaced``: company id →
    the version each one superseded). Written in bulk (their ids, the requests and their
    tasks), the versions' lines read once for the batch; call in the run's transaction."""
    replaced = replaced or {}
    prefetch_related_objects([*agreements, *replaced.values()], "lines")
    now = timezone.now()
    requests = []
    for agreement in agreements:
        company = agreement.company
        request = ProvisioningRequest(
            partner=company.partner,
            company=company,
            agreement=agreement,
            action=action,
            created_at=now,
        )
        before = replaced.get(company.pk)
        request.payload = request_payload(request, None, before)
        request.payload["renewal"] = renewal_json(agreement, before)
        requests.append(request)
    objects_insert(requests, ids=True)
    REQUESTS.enqueue_many([request.pk for request in requests])
    return requests


def rfi_queue(*, rfi: InformationRequest) -> ProvisioningRequest | None:
    """Write the request carrying the newest version of the answers, for the new order that
    waits for them; call in the transaction that saved them. One request per version: a
    version already written is not written again. None if no new order waits (the RFI of a
    customer whose order was rejected is sent again when the order is submitted again)."""
    company = rfi.company
    agreement = (
        company.agreements.filter(status=Agreement.Status.NEW_ORDER_PENDING)
        .order_by("-version")
        .first()
    )
    if agreement is None or rfi.answers_version < 1:
        return None
    existing = agreement.provisioning_requests.filter(
        action=ProvisioningRequest.Action.RFI, revision=rfi.answers_version
    ).first()
    if existing is not None:
        return existing
    request = ProvisioningRequest(
        partner_id=company.partner_id,
        company=company,
        agreement=agreement,
        action=ProvisioningRequest.Action.RFI,
        revision=rfi.answers_version,
        created_at=timezone.now(),
    )
    request.payload = rfi_payload(request, rfi)
    request.save()
    REQUESTS.enqueue(request.pk)
    if rfi.vendor_state != InformationRequest.Vendor.QUEUED:
        rfi_vendor_state(rfi, InformationRequest.Vendor.QUEUED)
    return request
