"""Cancel downsell: a downsell can be cancelled, pending or synced but not yet in effect, until
its deadline; the version it replaced is the one in effect again."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.companies.lifecycle import company_lock
from portal.companies.models import Agreement
from portal.companies.versions import downsell_open, versions_move

from .events import downsell_cancelled
from .models import ChangeOrder


class CannotCancel(ValidationError):
    """The downsell cannot be cancelled; the message says why, in the user's words."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _deadline_text(change: ChangeOrder) -> str:
    text = f"The deadline to cancel was {change.cancel_by:%Y-%m-%d}"
    if change.effective_on:
        days = (change.effective_on - change.cancel_by).days
        text += (
            f" ({days} day{'' if days == 1 else 's'} before the billing date "
            f"{change.effective_on:%Y-%m-%d})"
        )
    return text + "."


def downsell_refusal(
    agreement: Agreement,
    change: ChangeOrder | None,
    today: datetime.date,
) -> str:
    """Why this version cannot be cancelled ``today``, or "" if it can."""
    if change is None or change.kind != ChangeOrder.Kind.DOWNSELL:
        return f"Version {agreement.version} is not a downsell; only a downsell can be cancelled."
    if agreement.status == Agreement.Status.CANCELLED:
        return "This downsell has been cancelled already."
    if agreement.status == Agreement.Status.REJECTED:
        return "The vendor rejected this downsell: there is nothing to cancel."
    # On its date it is in effect, even before the scheduled job has made it Active.
    if not downsell_open(agreement) or (change.effective_on and change.effective_on <= today):
        when = f" on {change.effective_on:%Y-%m-%d}" if change.effective_on else ""
        return f"This downsell took effect{when}: it can no longer be cancelled."
    if change.cancel_by is not None and today > change.cancel_by:
        return _deadline_text(change)
    # (No change can be made on top of a downsell until it is in effect: Change Options waits.)
    return ""


@transaction.atomic
def downsell_cancel(
    *, agreement: Agreement, actor, today: datetime.date | None = None
) -> Agreement:
    """Cancel a downsell, pending or synced but not yet in effect, until its deadline
    (inclusive). The version it replaced is the one in effect again."""
    today = today or timezone.localdate()
    company, agreement = company_lock(agreement)
    change = ChangeOrder.objects.filter(agreement=agreement).first()
    if reason := downsell_refusal(agreement, change, today):
        raise CannotCancel(reason)
    prior = Agreement.objects.get(pk=change.prior_id)
    # A synced downsell was to end the version in effect on its date: it no longer ends.
    scheduled = agreement.status == Agreement.Status.SCHEDULED and prior.effective_until
    versions_move(
        company=company,
        moves=[(agreement, Agreement.Status.CANCELLED)],
        ends=[(prior, None)] if scheduled else [],
        actor=actor,
        summary=f"Downsell cancelled: agreement version {agreement.version} "
        f"({agreement.total_users:,} seats) will not take effect; version {prior.version} "
        f"({prior.total_users:,} seats) stays in effect",
        reason=f"Cancelled by {actor or 'the system'}",
    )
    downsell_cancelled(change=change, agreement=agreement, prior=prior, actor=actor)
    return agreement
