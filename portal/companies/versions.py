"""The agreement version's status as a machine: which moves are allowed, the one service that
makes them (and writes their history), and where a version stands in time.

Every status change of a version goes through ``versions_move``; every page, PDF, API answer and
sync payload that says whether a version is pending, scheduled, in effect or over asks
``standing``.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import Agreement

Status = Agreement.Status

# What each status may become. A pending version is synced (Active) or rejected, and a pending
# downsell may be cancelled; an Active one is superseded by the next, or cancelled while it is a
# synced downsell not yet in effect (changes.downsell says when), which puts the version it
# replaced back in effect (Superseded → Active).
TRANSITIONS: dict[str, set[str]] = {
    **{pending: {Status.ACTIVE, Status.REJECTED} for pending in Agreement.PENDING},
    Status.DOWNSELL_PENDING: {Status.ACTIVE, Status.REJECTED, Status.CANCELLED},
    Status.ACTIVE: {Status.SUPERSEDED, Status.CANCELLED},
    Status.SUPERSEDED: {Status.ACTIVE},
    Status.CANCELLED: set(),
    Status.REJECTED: set(),
}


class ForbiddenMove(ValidationError):
    """A status change the table does not allow; the message names both statuses."""

    def __init__(self, agreement: Agreement, to: str):
        super().__init__(
            f"Agreement version {agreement.version} cannot go from "
            f"{agreement.get_status_display()} to {Status(to).label}."
        )


class Standing(models.TextChoices):
    """Where a version stands in time, whatever its status says."""

    PENDING = "pending", "Pending"
    # Synced with the vendor, but a downsell waits for its billing date.
    SCHEDULED = "scheduled", "Scheduled"
    IN_EFFECT = "in_effect", "In effect"
    OVER = "over", "Over"


def change_of(agreement: Agreement):
    """The change order that made this version, or None for a new-business version.

    Read through the reverse relation (and its kind compared as the plain "downsell"), so that
    companies, below changes in the layers, needs no import of it: this is the one place that
    reaches up.
    """
    return getattr(agreement, "change_order", None)


def takes_effect_on(agreement: Agreement) -> datetime.date | None:
    """The date a version made by a downsell takes effect (its next billing date), else None."""
    change = change_of(agreement)
    if change is None or change.kind != "downsell":
        return None
    return change.effective_on


def standing(agreement: Agreement, today: datetime.date | None = None) -> Standing:
    if agreement.status in Agreement.PENDING:
        return Standing.PENDING
    if agreement.status != Status.ACTIVE:
        return Standing.OVER
    starts = takes_effect_on(agreement)
    if starts is not None and starts > (today or timezone.localdate()):
        return Standing.SCHEDULED
    return Standing.IN_EFFECT


def downsell_open(agreement: Agreement, today: datetime.date | None = None) -> bool:
    """A downsell that has not taken effect yet: pending, or synced with its date ahead."""
    change = change_of(agreement)
    if change is None or change.kind != "downsell":
        return False
    return standing(agreement, today) in (Standing.PENDING, Standing.SCHEDULED)


def versions_move(
    *,
    company,
    moves: list[tuple[Agreement, str]],
    actor,
    summary: str,
    reason: str = "",
    also: dict | None = None,
) -> None:
    """Move each version to its new status and write one history entry on the company.

    Call inside the caller's transaction, with the company locked. ``reason`` is kept on the
    versions that become Rejected or Cancelled; ``also``: further changes for the same entry.
    """
    for agreement, to in moves:
        if to not in TRANSITIONS[agreement.status]:
            raise ForbiddenMove(agreement, to)
    changes = {}
    now = timezone.now()
    for agreement, to in moves:
        was = agreement.get_status_display()
        fields = ["status"]
        # Activated once, when synced; a version back in effect keeps its first date.
        if to == Status.ACTIVE and agreement.status in Agreement.PENDING:
            agreement.activated_at = now
            fields.append("activated_at")
        if to in (Status.REJECTED, Status.CANCELLED) and reason:
            agreement.reason = reason[: Agreement._meta.get_field("reason").max_length]
            fields.append("reason")
        agreement.status = to
        agreement.save(update_fields=fields)
        changes[f"Agreement version {agreement.version}"] = [was, Status(to).label]
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=summary,
        changes={**changes, **(also or {})},
    )
