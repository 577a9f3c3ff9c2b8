"""What the vendor's answer to a provisioning request does: ``settle`` is the one path for a
callback, the simulated provisioner and vendor staff alike.

Synced: the agreement version becomes Active (``lifecycle.agreement_confirm``); rejected: it
becomes Rejected and the state before it is restored (``lifecycle.agreement_reject``). A
renewal's (or an end's) answer moves no version — the renewal run made it on the term end —
and is only recorded, a rejection also e-mailed to the MSP's Admins. Either
way the request records the answer and the MSP user who submitted is e-mailed, all in one
transaction under the company's row lock. A request is settled once: the same answer again
changes nothing, the other answer is a conflict.

A new customer's order waits for its Request for Information: the vendor confirms the request
that carries the newest version of the answers (or the order itself, once some version has been
sent), and only then is the order Active and the customer Complete. Confirming the order before
any answers exist is refused (``Waiting``); an older version's confirmation only settles that
version. Rejecting an RFI request returns the answers to the customer, who can change them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import User
from portal.companies.lifecycle import agreement_confirm, agreement_reject
from portal.companies.models import Agreement, Company
from portal.companies.versions import Standing, standing
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.core.outbox import message_queue
from portal.rfi.models import InformationRequest
from portal.rfi.services import rfi_vendor_state

from .models import ProvisioningRequest

SYNCED = ProvisioningRequest.Status.SYNCED
REJECTED = ProvisioningRequest.Status.REJECTED


RENEWALS = {ProvisioningRequest.Action.RENEWAL, ProvisioningRequest.Action.END}


class Conflict(Exception):
    """The request was settled the other way already."""


class Waiting(Exception):
    """A new customer's order cannot be confirmed before its RFI answers reach the vendor."""


RFI_TITLE = "Request for Information"
WAITING = (
    "The order of {company} waits for its Request for Information, not answered yet: confirm "
    "the order once the answers have been sent to the vendor."
)


@dataclass(frozen=True)
class Settled:
    changed: bool
    status: str
    message: str


def settle(*, request: ProvisioningRequest, outcome: str, reason: str = "", actor=None) -> Settled:
    reason = " ".join((reason or "").split())[:300]
    if outcome not in (SYNCED, REJECTED):
        raise ValidationError(f"status must be {SYNCED!r} or {REJECTED!r}.")
    if outcome == REJECTED and not reason:
        raise ValidationError("Give the reason for the rejection.")
    with transaction.atomic():
        # The company first, as every lifecycle change takes it: no deadlock with a cancel.
        Company.objects.select_for_update().get(pk=request.company_id)
        request = ProvisioningRequest.objects.select_for_update().get(pk=request.pk)
        label = ProvisioningRequest.Status(outcome).label.lower()
        if request.status in ProvisioningRequest.SETTLED:
            if request.status == outcome:
                return Settled(False, request.status, f"Already {label}: nothing changed.")
            raise Conflict(
                f"Already {request.get_status_display().lower()}; a request is settled once."
            )
        if request.action == ProvisioningRequest.Action.CANCEL:
            message = _cancellation_settled(request, outcome, reason, actor)
        elif request.action == ProvisioningRequest.Action.RFI:
            message = _rfi_settled(request, outcome, reason, actor)
        elif request.action in RENEWALS:
            message = _renewal_settled(request, outcome, reason, actor)
        else:
            if outcome == SYNCED and request.action == ProvisioningRequest.Action.ORDER:
                _check_answers_sent(request)
            message = _agreement_settled(request, outcome, reason, actor)
            if request.action == ProvisioningRequest.Action.ORDER:
                _rfi_requests_close(request, outcome, reason, actor)
        _request_settle(request, outcome, reason, actor)
    return Settled(True, outcome, message)


def _request_settle(request: ProvisioningRequest, outcome: str, reason: str, actor) -> None:
    now = timezone.now()
    request.status = outcome
    request.reason = reason
    request.settled_at = now
    request.settled_by = actor if getattr(actor, "pk", None) else None
    request.delivered_at = request.delivered_at or now
    request.claimed_until = None
    request.next_attempt_at = None
    request.save()


def _rfi_of(request: ProvisioningRequest) -> InformationRequest | None:
    return InformationRequest.objects.select_for_update().filter(company=request.company_id).first()


def _check_answers_sent(request: ProvisioningRequest) -> None:
    """A new order is confirmed only once its RFI has been answered, whose answers go to the
    vendor with it (a customer from before the RFI, without one, is not held up)."""
    rfi = _rfi_of(request)
    if rfi is not None and rfi.answers_version == 0:
        raise Waiting(WAITING.format(company=request.company))


def _rfi_requests_close(request: ProvisioningRequest, outcome: str, reason: str, actor) -> None:
    """The order settled: its RFI requests still open are settled with it (the vendor has
    provisioned, or refused, the order they belong to), and the RFI says so."""
    status = Agreement.objects.values_list("status", flat=True).get(pk=request.agreement_id)
    if status != (Agreement.Status.ACTIVE if outcome == SYNCED else Agreement.Status.REJECTED):
        return  # left as it was (cancelled meanwhile): so are its RFI requests
    why = "Settled with the order" + (f": {reason}" if reason else "")
    for open_request in request.agreement.provisioning_requests.filter(
        action=ProvisioningRequest.Action.RFI
    ).exclude(status__in=ProvisioningRequest.SETTLED):
        _request_settle(open_request, outcome, why[:300], actor)
    rfi = _rfi_of(request)
    if rfi is not None and outcome == SYNCED:
        rfi_vendor_state(rfi, InformationRequest.Vendor.CONFIRMED)
    elif rfi is not None and rfi.vendor_state != InformationRequest.Vendor.NONE:
        rfi_vendor_state(
            rfi, InformationRequest.Vendor.RETURNED, reason=f"Order rejected: {reason}"
        )


def _rfi_settled(request, outcome, reason, actor) -> str:
    """The vendor's answer to one version of the RFI answers."""
    rfi = _rfi_of(request)
    version = request.revision
    newest = rfi is not None and rfi.answers_version == version
    if not newest:
        return (
            f"{RFI_TITLE} answers version {version} {ProvisioningRequest.Status(outcome).label}; "
            "newer answers were sent since, and the order waits for those."
        )
    if outcome == REJECTED:
        rfi_vendor_state(rfi, InformationRequest.Vendor.RETURNED, reason=reason)
        history_record(
            actor=actor,
            obj=request.company,
            action=HistoryEntry.Action.STATUS,
            summary=f"The vendor returned the {RFI_TITLE} answers (version {version}): {reason}",
            changes={RFI_TITLE: ["Sent to vendor", "Returned by the vendor"]},
        )
        _rfi_returned_notify(rfi, request, reason)
        return f"{RFI_TITLE} answers version {version} returned to the customer."
    order = request.agreement.provisioning_requests.filter(
        action=ProvisioningRequest.Action.ORDER
    ).first()
    message = _agreement_settled(request, outcome, reason, actor)
    if order is not None and order.status not in ProvisioningRequest.SETTLED:
        _request_settle(order, outcome, f"Confirmed with {RFI_TITLE} version {version}", actor)
    # The older versions' requests are settled too: the vendor provisioned with this one.
    _rfi_requests_close(order or request, outcome, reason, actor)
    return message


def _rfi_returned_notify(rfi: InformationRequest, request, reason: str) -> None:
    """The implementation lead (who has the form's link) and the submitter of the order."""
    to = [rfi.sent_to, *_recipients(request.agreement)]
    message_queue(
        template="rfi_returned",
        to=list(dict.fromkeys(address for address in to if address)),
        context={
            "company": request.company,
            "reason": reason,
            "version": request.revision,
            "customer_url": settings.SITE_URL
            + reverse("companies:detail", args=[request.company_id]),
        },
        partner=request.company.partner,
    )


def _agreement_settled(request, outcome, reason, actor) -> str:
    if outcome == SYNCED:
        agreement = agreement_confirm(agreement=request.agreement, actor=actor, reason=reason)
        # A downsell synced takes effect at its billing date: Scheduled until then.
        targets = {Agreement.Status.ACTIVE, Agreement.Status.SCHEDULED}
    else:
        agreement = agreement_reject(agreement=request.agreement, actor=actor, reason=reason)
        targets = {Agreement.Status.REJECTED}
    if agreement.status not in targets:
        # Settled meanwhile in the portal (a cancelled downsell, a staff action): kept as it is.
        return (
            f"Agreement version {agreement.version} is {agreement.get_status_display()}; it was "
            "left as it is."
        )
    # The e-mail to the submitter and the webhooks follow from the event (sync.subscribers).
    if agreement.status == Agreement.Status.SCHEDULED:
        return (
            f"Agreement version {agreement.version} is Scheduled from {agreement.effective_from}."
        )
    return f"Agreement version {agreement.version} is {agreement.get_status_display()}."


def _cancellation_settled(request, outcome, reason, actor) -> str:
    agreement = request.agreement
    if outcome == SYNCED:
        summary = f"The vendor confirmed the cancellation of downsell version {agreement.version}"
    else:
        summary = (
            f"The vendor could not cancel downsell version {agreement.version}: {reason}. "
            "Contact the vendor."
        )
        provisioning_notify(
            agreement=agreement, action=request.action, outcome=outcome, reason=reason
        )
    history_record(
        actor=actor,
        obj=request.company,
        action=HistoryEntry.Action.STATUS,
        summary=summary,
    )
    return summary + "."


def _renewal_settled(request, outcome, reason, actor) -> str:
    """The vendor's answer to a renewal or an end: the run has made the version already, so
    nothing moves. Synced is recorded; rejected is recorded too, and the MSP's Admins are
    e-mailed to take it up with the vendor."""
    agreement = request.agreement
    renewal = request.payload.get("renewal") or {}
    day = renewal.get("renews_on") or agreement.effective_from.isoformat()
    if request.action == ProvisioningRequest.Action.END:
        what = f"the end of agreement version {agreement.version} on {day}"
    else:
        what = f"the renewal on {day} (agreement version {agreement.version})"
    if outcome == SYNCED:
        summary = f"The vendor confirmed {what}"
    else:
        summary = f"The vendor rejected {what}: {reason}. Contact the vendor."
        to = _admins(request.company.partner_id)
        if to:
            message_queue(
                template="renewal_rejected",
                to=to,
                context={
                    "company": request.company,
                    "agreement": agreement,
                    "what": what,
                    "ended": request.action == ProvisioningRequest.Action.END,
                    "reason": reason,
                    "customer_url": settings.SITE_URL
                    + reverse("companies:detail", args=[request.company_id]),
                },
                partner=request.company.partner,
            )
    history_record(
        actor=actor,
        obj=request.company,
        action=HistoryEntry.Action.STATUS,
        summary=summary,
    )
    return summary + ("" if summary.endswith(".") else ".")


def _admins(partner_id: int) -> list[str]:
    admins = User.objects.filter(partner_id=partner_id, role=User.Role.ADMIN, is_active=True)
    return list(admins.order_by("email").values_list("email", flat=True))


def _recipients(agreement: Agreement) -> list[str]:
    """The user who submitted; if they can no longer sign in, the MSP's admins."""
    submitter = agreement.created_by
    if submitter is not None and submitter.is_active:
        return [submitter.email]
    return _admins(agreement.company.partner_id)


def provisioning_notify(*, agreement: Agreement, action: str, outcome: str, reason: str) -> None:
    """E-mail the vendor's answer (synced or rejected) about an order, change or downsell
    cancellation to the user who submitted it."""
    to = _recipients(agreement)
    if not to:
        return
    company = Company.objects.get(pk=agreement.company_id)  # as the change left it
    change = getattr(agreement, "change_order", None)
    scheduled = standing(agreement) == Standing.SCHEDULED
    message_queue(
        template=f"provisioning_{outcome}",
        to=to,
        context={
            "company": company,
            "agreement": agreement,
            "change": change,
            "what": ProvisioningRequest.Action(action).label,
            "cancellation": action == ProvisioningRequest.Action.CANCEL,
            # A version scheduled from a later date: the one in effect until then.
            "scheduled": scheduled,
            "in_effect": company.agreements.filter(status=Agreement.Status.ACTIVE).first()
            if scheduled
            else None,
            "reason": reason,
            "customer_url": settings.SITE_URL + reverse("companies:detail", args=[company.pk]),
        },
        partner=company.partner,
    )
