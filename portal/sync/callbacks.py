"""The vendor's confirmation of a provisioning request, as it arrives over HTTP.

Body: ``{"request_id": "<key>", "partner_id": <id>, "status": "synced" | "rejected",
"reason": "…"}``, signed like the requests (``portal.core.signing``). ``receive`` is the one
path for the callback view and the simulated provisioner: check the signature and its age,
read the body, find the request of that partner, and ``settle`` it. Every signed call is
logged as a ``ProvisioningCallback``, refused ones included, so vendor staff can see what
arrived. One without a valid signature is only counted by reason (``RefusedCallbacks``) and
logged as a warning: anyone can post junk, and a row each would let them fill the table.
"""

import json
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.core.signing import BadSignature, verify

from .confirm import Conflict, Waiting, settle
from .models import ProvisioningCallback, ProvisioningRequest, RefusedCallbacks
from .signing import sync_secret

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    http_status: int
    body: dict


def _refuse(http_status: int, error: str, **fields) -> Answer:
    return Answer(http_status, {"error": error, **({"fields": fields} if fields else {})})


def _read(body: bytes) -> tuple[dict | None, Answer | None]:
    try:
        data = json.loads(body)
    except ValueError:
        return None, _refuse(400, "The body is not JSON.")
    if not isinstance(data, dict):
        return None, _refuse(400, "The body must be a JSON object.")
    problems = {}
    try:
        data["request_id"] = uuid.UUID(str(data.get("request_id")))
    except ValueError:
        problems["request_id"] = "The request_id of a provisioning request (a UUID) is required."
    if not isinstance(data.get("partner_id"), int):
        problems["partner_id"] = "The partner_id of the request (an integer) is required."
    if data.get("status") not in ("synced", "rejected"):
        problems["status"] = 'Either "synced" or "rejected".'
    reason = data.get("reason") or ""
    if not isinstance(reason, str):
        problems["reason"] = "A string."
    elif data.get("status") == "rejected" and not reason.strip():
        problems["reason"] = "A rejection needs its reason."
    if problems:
        return None, _refuse(400, "The confirmation is incomplete.", **problems)
    return data, None


def receive(*, body: bytes, headers, source: str, remote_addr: str | None = None) -> Answer:
    try:
        signature = verify(
            sync_secret(), headers, body, max_age=settings.SYNC_CALLBACK_MAX_AGE_SECONDS
        )
    except BadSignature as exc:
        _count_refusal(exc, remote_addr)
        return _refuse(401, str(exc))
    data, answer = _read(body)
    data = data or {}
    request = None
    if answer is None:
        # The partner must match too: the key of another partner's request is unknown here.
        request = ProvisioningRequest.objects.filter(
            key=data["request_id"], partner_id=data["partner_id"]
        ).first()
        if request is None:
            answer = _refuse(404, "No such provisioning request for this partner.")
        else:
            return _settle(request, data, signature, source, remote_addr) or REPEATED
    _log(request=request, source=source, data=data, answer=answer, remote_addr=remote_addr)
    return answer


def _count_refusal(exc: BadSignature, remote_addr: str | None) -> None:
    logger.warning("Sync callback from %s refused: %s", remote_addr or "an unknown address", exc)
    latest = {"last_at": timezone.now(), "last_remote_addr": remote_addr, "last_error": str(exc)}
    rows = RefusedCallbacks.objects.filter(reason=exc.code)
    if rows.update(count=F("count") + 1, **latest):
        return
    try:
        with transaction.atomic():  # a savepoint: the first of its reason, maybe twice at once
            RefusedCallbacks.objects.create(reason=exc.code, count=1, **latest)
    except IntegrityError:
        rows.update(count=F("count") + 1, **latest)


REPEATED = Answer(200, {"result": "repeated", "detail": "This callback was received already."})


def _apply(request, outcome: str, reason: str, actor=None) -> Answer:
    try:
        settled = settle(request=request, outcome=outcome, reason=reason, actor=actor)
    except Conflict as exc:
        return _refuse(409, str(exc))
    except Waiting as exc:
        return Answer(409, {"error": str(exc), "result": "waiting"})
    except ValidationError as exc:
        return _refuse(400, " ".join(exc.messages))
    return Answer(
        200,
        {
            "result": "applied" if settled.changed else "unchanged",
            "status": settled.status,
            "detail": settled.message,
        },
    )


def _settle(request, data, signature, source, remote_addr) -> Answer | None:
    """Settle and log in one transaction; None if this very callback was received before."""
    try:
        with transaction.atomic():
            answer = _apply(request, data["status"], data.get("reason", ""))
            # The signature is unique: a replay of this exact callback stops here. One that
            # had to wait (a new order before its RFI answers) changed nothing: the vendor may
            # send the very same callback again once the answers are there.
            waited = answer.body.get("result") == "waiting"
            _log(
                request=request,
                source=source,
                data=data,
                answer=answer,
                remote_addr=remote_addr,
                signature=None if waited else signature,
            )
    except IntegrityError:
        return None
    return answer


def _log(*, request, source, data, answer: Answer, remote_addr, signature=None, actor=None):
    outcome = data.get("status") if isinstance(data.get("status"), str) else ""
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    ProvisioningCallback.objects.create(
        request=request,
        source=source,
        outcome=outcome[:10],
        reason=reason[:300],
        http_status=answer.http_status,
        result=str(answer.body.get("detail") or answer.body.get("error") or "")[:300],
        signature=signature,
        remote_addr=remote_addr,
        actor=actor,
    )


def staff_settle(*, request: ProvisioningRequest, outcome: str, reason: str, actor) -> Answer:
    """Vendor staff confirm or reject from the console: the same ``settle``, logged as theirs."""
    with transaction.atomic():
        answer = _apply(request, outcome, reason, actor)
        _log(
            request=request,
            source=ProvisioningCallback.Source.STAFF,
            data={"status": outcome, "reason": reason},
            answer=answer,
            remote_addr=None,
            actor=actor,
        )
    return answer


def staff_settle_agreement(*, agreement, outcome: str, reason: str, actor):
    """The same from the agreement's side (the Agreements list of the console): the agreement
    as it is afterwards, and what the request's settling said (empty if there was none)."""
    request = agreement.provisioning_requests.filter(
        action__in=[ProvisioningRequest.Action.ORDER, ProvisioningRequest.Action.CHANGE]
    ).first()
    said = ""
    if request is not None:
        answer = staff_settle(request=request, outcome=outcome, reason=reason, actor=actor)
        said = str(answer.body.get("detail") or answer.body.get("error") or "")
    elif outcome == ProvisioningRequest.Status.SYNCED:  # a version made before sync existed
        agreement_confirm(agreement=agreement, actor=actor)
    else:
        agreement_reject(agreement=agreement, actor=actor, reason=reason)
    agreement.refresh_from_db()
    return agreement, said
