"""What the vendor's answer to a provisioning request does: ``settle`` is the one path for a
callback, the simulated provisioner and vendor staff alike.

Synced: the agreement version becomes Active (``lifecycle.agreement_confirm``); rejected: it
becomes Rejected and the state before it is restored (``lifecycle.agreement_reject``). Either
way the request records the answer and the MSP user who submitted is e-mailed, all in one
transaction under the company's row lock. A request is settled once: the same answer again
changes nothing, the other answer is a conflict.
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

from .models import ProvisioningRequest

SYNCED = ProvisioningRequest.Status.SYNCED
REJECTED = ProvisioningRequest.Status.REJECTED


class Conflict(Exception):
    """The request was settled the other way already."""


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
        else:
            message = _agreement_settled(request, outcome, reason, actor)
        now = timezone.now()
        request.status = outcome
        request.reason = reason
        request.settled_at = now
        request.settled_by = actor if getattr(actor, "pk", None) else None
        request.delivered_at = request.delivered_at or now
        request.claimed_until = None
        request.next_attempt_at = None
        request.save()
    return Settled(True, outcome, message)


def _agreement_settled(request, outcome, reason, actor) -> str:
    if outcome == SYNCED:
        agreement = agreement_confirm(agreement=request.agreement, actor=actor, reason=reason)
        target = Agreement.Status.ACTIVE
    else:
        agreement = agreement_reject(agreement=request.agreement, actor=actor, reason=reason)
        target = Agreement.Status.REJECTED
    if agreement.status != target:
        # Settled meanwhile in the portal (a cancelled downsell, a staff action): kept as it is.
        return (
            f"Agreement version {agreement.version} is {agreement.get_status_display()}; it was "
            "left as it is."
        )
    # The e-mail to the submitter and the webhooks follow from the event (sync.subscribers).
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


def _recipients(agreement: Agreement) -> list[str]:
    """The user who submitted; if they can no longer sign in, the MSP's admins."""
    submitter = agreement.created_by
    if submitter is not None and submitter.is_active:
        return [submitter.email]
    admins = User.objects.filter(
        partner_id=agreement.company.partner_id, role=User.Role.ADMIN, is_active=True
    ).order_by("email")
    return list(admins.values_list("email", flat=True))


def provisioning_notify(*, agreement: Agreement, action: str, outcome: str, reason: str) -> None:
    """E-mail the vendor's answer (synced or rejected) about an order, change or downsell
    cancellation to the user who submitted it."""
    to = _recipients(agreement)
    if not to:
        return
    company = Company.objects.get(pk=agreement.company_id)  # as the change left it
    change = getattr(agreement, "change_order", None)
    message_queue(
        template=f"provisioning_{outcome}",
        to=to,
        context={
            "company": company,
            "agreement": agreement,
            "change": change,
            "what": ProvisioningRequest.Action(action).label,
            "cancellation": action == ProvisioningRequest.Action.CANCEL,
            "scheduled": standing(agreement) == Standing.SCHEDULED,
            "reason": reason,
            "customer_url": settings.SITE_URL + reverse("companies:detail", args=[company.pk]),
        },
        partner=company.partner,
    )
