"""Every write to a Request for Information: sending (and resending) its link, saving answers.

History is written on the company, so that it shows in the customer's History Log.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.companies.models import Company
from portal.core.history import changed_fields, history_record, snapshot
from portal.core.models import HistoryEntry
from portal.core.outbox import message_queue

from .events import rfi_answered, rfi_submitted
from .links import link_max_age, rfi_url
from .models import ANSWER_FIELDS, InformationRequest

TITLE = "Request for Information"
NOT_IN_PROGRESS = (
    "The {title} form is sent only while {company} is a customer in progress; it is {status} now."
)
NO_LEAD = (
    "{company} has no active implementation lead to send the {title} form to. "
    "Choose one on the customer first."
)
PROVISIONING_STARTED = (
    "The vendor has confirmed the order with these answers, so they can no longer be changed "
    "here. To change anything, ask {partner}."
)


ORDER_RETURNED = (
    "The order of {company} went back to {partner} to be corrected, so these answers cannot be "
    "changed here now; they can again once the order is submitted again."
)


def rfi_locked_message(rfi: InformationRequest) -> str:
    """Why the form shows the answers instead of taking changes."""
    if rfi.company.status == Company.Status.PROSPECT:
        return ORDER_RETURNED.format(company=rfi.company, partner=rfi.company.partner)
    return PROVISIONING_STARTED.format(partner=rfi.company.partner)


class RfiNotSendable(ValidationError):
    """The customer is not in progress, or has no implementation lead to send the link to."""


class RfiLocked(ValidationError):
    """The vendor has confirmed the order: the answers are read-only."""


def _answers(rfi: InformationRequest) -> dict[str, Any]:
    """The answers under the labels people see, so the History Log reads as-is."""
    values = snapshot(rfi, ANSWER_FIELDS)
    return {rfi.answer_label(name): value for name, value in values.items()}


@transaction.atomic
def rfi_send(*, company: Company, actor) -> InformationRequest:
    """E-mail the implementation lead a new link to the form, valid ``RFI_LINK_MAX_AGE_DAYS``.

    The first call creates the request; a later one (Resend) sends a new link, and the older
    ones stop working. Call it after the company has become a customer in progress; it joins
    the caller's transaction, so a rolled-back order sends nothing. Raises ``RfiNotSendable``.
    """
    if company.status != Company.Status.IN_PROGRESS:
        raise RfiNotSendable(
            NOT_IN_PROGRESS.format(
                title=TITLE, company=company, status=company.get_status_display()
            ),
            code="not_in_progress",
        )
    lead = company.implementation_lead
    if lead is None or not lead.is_active or not lead.email:
        raise RfiNotSendable(NO_LEAD.format(title=TITLE, company=company), code="no_lead")
    now = timezone.now()
    rfi, created = InformationRequest.objects.select_for_update().get_or_create(
        company=company, defaults={"sent_to": lead.email, "sent_at": now}
    )
    previous_recipient = rfi.sent_to
    rfi.sent_to = lead.email
    rfi.sent_at = now
    rfi.sent_by = actor if getattr(actor, "pk", None) else None
    rfi.times_sent += 1
    rfi.link_version += 1
    rfi.save(update_fields=["sent_to", "sent_at", "sent_by", "times_sent", "link_version"])
    if created:
        history_record(
            actor=actor,
            obj=company,
            action=HistoryEntry.Action.STATUS,
            summary=f"{TITLE} form sent to {lead.email}",
            changes={TITLE: ["Not sent", rfi.get_status_display()]},
        )
    else:
        recipient = {}
        if previous_recipient != lead.email:
            recipient = {"Sent to": [previous_recipient, lead.email]}
        history_record(
            actor=actor,
            obj=company,
            action=HistoryEntry.Action.UPDATE,
            summary=f"{TITLE} form resent to {lead.email}; earlier links no longer work",
            changes=recipient,
        )
    message_queue(
        template="rfi_request",
        to=[lead.email],
        context={
            "company": company,
            "partner": company.partner,
            "lead": lead,
            "sender": actor if getattr(actor, "pk", None) else None,
            "form_url": rfi_url(rfi),
            "expires_at": now + link_max_age(),
            "resent": not created,
        },
        partner=company.partner,
    )
    return rfi


@transaction.atomic
def rfi_save(
    *, rfi: InformationRequest, answers: dict[str, Any], ip: str | None = None
) -> InformationRequest:
    """Store the answers (the form's cleaned data) and mark the request Submitted.

    Each save that changes the answers (and the first one) is a new version of them, which the
    vendor sync sends to the vendor (``rfi.answered``). The row is locked and the customer's
    status read again under the lock, so answers never land after the vendor has confirmed. A
    save that changes nothing writes and sends nothing. Raises ``RfiLocked`` once the customer
    is no longer in progress.
    """
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise ValueError(f"Not answers of the form: {', '.join(sorted(unknown))}")
    # The company first, as the vendor's confirmation takes it: one waits for the other.
    Company.objects.select_for_update().get(pk=rfi.company_id)
    rfi = (
        InformationRequest.objects.select_for_update(of=("self",))
        .select_related("company__partner")
        .get(pk=rfi.pk)
    )
    if not rfi.is_editable:
        raise RfiLocked(rfi_locked_message(rfi), code="provisioning")
    before = _answers(rfi)
    for name, value in answers.items():
        setattr(rfi, name, value)
    changes = changed_fields(before, _answers(rfi))
    first = rfi.status == InformationRequest.Status.SENT
    if not changes and not first:
        return rfi
    now = timezone.now()
    rfi.status = InformationRequest.Status.SUBMITTED
    rfi.submitted_at = rfi.submitted_at or now
    rfi.changed_at = now
    rfi.answers_version += 1
    rfi_vendor_state(rfi, InformationRequest.Vendor.QUEUED, save=False)
    rfi.save()
    source = f" from {ip}" if ip else ""
    if first:
        summary = f"{TITLE} form submitted through its link{source}"
        changes = {TITLE: ["Sent", "Submitted"], **changes}
        rfi_submitted(rfi=rfi)
    else:
        names = ", ".join(name.lower() for name in changes)
        summary = f"{TITLE} answers changed through its link{source}: {names}"
    rfi_answered(rfi=rfi)
    history_record(
        actor=None,
        obj=rfi.company,
        action=HistoryEntry.Action.UPDATE,
        summary=summary,
        changes=changes,
    )
    return rfi


def rfi_vendor_state(
    rfi: InformationRequest, state: int, *, reason: str = "", save: bool = True, logged: str = ""
) -> InformationRequest:
    """Record where the newest answers are with the vendor (the vendor sync calls it, in the
    transaction that delivers or settles their provisioning request); ``logged``: the History
    Log's line for it, if it needs one of its own."""
    before = rfi.get_vendor_state_display()
    rfi.vendor_state = state
    rfi.vendor_state_at = timezone.now()
    rfi.vendor_reason = reason[:300]
    if save:
        rfi.save(update_fields=["vendor_state", "vendor_state_at", "vendor_reason"])
    if logged:
        history_record(
            actor=None,
            obj=rfi.company,
            action=HistoryEntry.Action.STATUS,
            summary=logged,
            changes={TITLE: [before, rfi.get_vendor_state_display()]},
        )
    return rfi
