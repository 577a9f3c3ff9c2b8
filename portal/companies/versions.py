"""The agreement version's status as a machine: which moves are allowed, the one service that
makes them (and writes their history), and where a version stands in time.

Every status change of a version goes through ``versions_move``; every page, PDF, API answer and
sync payload that says whether a version is pending, scheduled, in effect or over asks
``standing``.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import Agreement, Company

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
    company_fees_refresh(company)


# What a customer pays, as the customer lists show it


def paying_version(agreements: list[Agreement], today: datetime.date) -> Agreement | None:
    """The version whose fees the customer pays ``today``: the one in effect (a synced downsell
    waiting for its billing date leaves the version it replaces in effect), or before any
    sync the new order pending. None for a company without one."""
    by_pk = {agreement.pk: agreement for agreement in agreements}
    for agreement in sorted(agreements, key=lambda a: a.version, reverse=True):
        where = standing(agreement, today)
        if where == Standing.IN_EFFECT:
            return agreement
        if where == Standing.SCHEDULED:
            prior = change_of(agreement).prior_id
            return by_pk.get(prior)
    return next((a for a in agreements if a.status == Status.NEW_ORDER_PENDING), None)


def company_fees_refresh(company: Company, today: datetime.date | None = None) -> None:
    """Copy the paying version's products, seats and monthly fees onto the company (the
    customer lists read them from there); called whenever a version is made or moves."""
    today = today or timezone.localdate()
    agreements = list(company.agreements.select_related("change_order").prefetch_related("lines"))
    paying = paying_version(agreements, today)
    # Nothing to pay (a prospect, or a new order rejected): the products it is expected to buy,
    # as services.product_codes keeps them for a prospect.
    expected = company.products.order_by("product__position", "product__code")
    codes = list(expected.values_list("product__code", flat=True))
    figures = {
        "fee_products": f" {' '.join(codes)} " if codes else "",
        "fee_seats": None,
        "monthly_fees": None,
        "fees_currency": "",
    }
    if paying is not None:
        lines = list(paying.lines.all())
        figures = {
            # Spaces around each code, so that a filter matches a whole code: " S1 ".
            "fee_products": f" {' '.join(line.code for line in lines)} " if lines else "",
            "fee_seats": paying.total_users,
            "monthly_fees": sum(
                (line.payment for line in lines if line.term == "monthly"), Decimal("0.00")
            ),
            "fees_currency": paying.currency,
        }
    # A synced downsell changes the figures on its billing date, with no service running then.
    figures["fees_until"] = min(
        (takes_effect_on(a) for a in agreements if standing(a, today) == Standing.SCHEDULED),
        default=None,
    )
    Company.objects.filter(pk=company.pk).update(**figures)
    for name, value in figures.items():
        setattr(company, name, value)


def fees_due_refresh(partner_id: int, today: datetime.date | None = None) -> None:
    """Read the figures again of the partner's companies whose downsell has taken effect since
    (one indexed query, nearly always finding none): the lists call it before reading."""
    today = today or timezone.localdate()
    for company in Company.objects.filter(partner_id=partner_id, fees_until__lte=today):
        company_fees_refresh(company, today)
