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

from portal.catalog.models import Commitment
from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import Agreement, Company
from .monthly import figures_refresh

Status = Agreement.Status

# What each status may become. A pending version is synced (Active, or Scheduled when it takes
# effect on a later date) or rejected, and a pending downsell may be cancelled; a Scheduled one
# becomes Active on its date (``schedule``) or is cancelled until its deadline (a downsell);
# an Active one is superseded by the next.
TRANSITIONS: dict[str, set[str]] = {
    **{
        pending: {Status.ACTIVE, Status.SCHEDULED, Status.REJECTED} for pending in Agreement.PENDING
    },
    Status.DOWNSELL_PENDING: {Status.ACTIVE, Status.SCHEDULED, Status.REJECTED, Status.CANCELLED},
    Status.SCHEDULED: {Status.ACTIVE, Status.CANCELLED},
    Status.ACTIVE: {Status.SUPERSEDED, Status.ENDED},
    Status.SUPERSEDED: set(),
    Status.ENDED: set(),
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
    """Where a version stands in time."""

    PENDING = "pending", "Pending"
    # Synced with the vendor, waiting for the date it takes effect.
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


def standing(agreement: Agreement) -> Standing:
    if agreement.status in Agreement.PENDING:
        return Standing.PENDING
    if agreement.status == Status.SCHEDULED:
        return Standing.SCHEDULED
    if agreement.status == Status.ACTIVE:
        return Standing.IN_EFFECT
    return Standing.OVER


def downsell_open(agreement: Agreement) -> bool:
    """A downsell that has not taken effect yet: pending, or synced and scheduled."""
    change = change_of(agreement)
    if change is None or change.kind != "downsell":
        return False
    return standing(agreement) in (Standing.PENDING, Standing.SCHEDULED)


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def versions_move(
    *,
    company,
    moves: list[tuple[Agreement, str]],
    actor,
    summary: str,
    reason: str = "",
    ends: list[tuple[Agreement, datetime.date | None]] = (),
    also: dict | None = None,
    today: datetime.date | None = None,
) -> None:
    """Move each version to its new status and write one history entry on the company.

    Call inside the caller's transaction, with the company locked. The effective dates follow
    the moves: a version made Active from pending takes effect ``today``; one Superseded stops
    then (or on the day a Scheduled one had already set). ``ends``: the day a version that stays
    in effect will stop (a successor is scheduled), or None again (that successor cancelled).
    ``reason`` is kept on the versions that become Rejected or Cancelled; ``also``: further
    changes for the same entry.
    """
    for agreement, to in moves:
        if to not in TRANSITIONS[agreement.status]:
            raise ForbiddenMove(agreement, to)
    today = today or timezone.localdate()
    changes = {}
    now = timezone.now()
    # A version in effect is shortened before its successor is scheduled (PostgreSQL's
    # exclusion constraint checks each row as it is written) ...
    _ends_write([(a, until) for a, until in ends if until is not None], changes)
    # A version leaves Active before another one enters it: one in effect at a time, always.
    for agreement, to in sorted(moves, key=lambda move: move[1] == Status.ACTIVE):
        was = agreement.get_status_display()
        fields = ["status"]
        if agreement.status in Agreement.PENDING and to in (Status.ACTIVE, Status.SCHEDULED):
            # Synced now (a version back in effect keeps its first date).
            agreement.activated_at = now
            fields.append("activated_at")
        if agreement.status in Agreement.PENDING and to == Status.ACTIVE:
            agreement.effective_from = today
            fields.append("effective_from")
        if to == Status.SUPERSEDED and agreement.effective_until is None:
            agreement.effective_until = max(today, agreement.effective_from)
            fields.append("effective_until")
        if to in (Status.REJECTED, Status.CANCELLED) and reason:
            agreement.reason = reason[: Agreement._meta.get_field("reason").max_length]
            fields.append("reason")
        agreement.status = to
        agreement.save(update_fields=fields)
        changes[f"Agreement version {agreement.version}"] = [was, Status(to).label]
    # Permitted Users are the seats of the version in effect.
    entering = next((a for a, to in moves if to == Status.ACTIVE), None)
    if entering is not None and company.permitted_users != entering.total_users:
        changes["permitted_users"] = [company.permitted_users, entering.total_users]
        company.permitted_users = entering.total_users
        company.updated_at = now
        company.save(update_fields=["permitted_users", "updated_at"])
    # ... and lengthened again only once its successor is out of the way.
    _ends_write([(a, until) for a, until in ends if until is None], changes)
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.STATUS,
        summary=summary,
        changes={**changes, **(also or {})},
    )
    company_fees_refresh(company)


def _ends_write(ends, changes: dict) -> None:
    for agreement, until in ends:
        was = agreement.effective_until
        agreement.effective_until = until
        agreement.save(update_fields=["effective_until"])
        changes[f"Agreement version {agreement.version} in effect until"] = [
            _date(was),
            _date(until),
        ]


# What a customer pays, as the customer lists show it


def paying_version(agreements: list[Agreement]) -> Agreement | None:
    """The version whose fees the customer pays now: the one in effect, or before any sync
    the new order pending. None for a company without one."""
    in_effect = next((a for a in agreements if a.status == Status.ACTIVE), None)
    return in_effect or next((a for a in agreements if a.status == Status.NEW_ORDER_PENDING), None)


def fee_figures(lines, total_users: int, currency: str) -> dict:
    """The customer lists' figures of a version: its products, seats and monthly fees."""
    return {
        # Spaces around each code, so that a filter matches a whole code: " S1 ".
        "fee_products": f" {' '.join(line.code for line in lines)} " if lines else "",
        "fee_seats": total_users,
        "monthly_fees": sum(
            (line.payment for line in lines if line.term == "monthly"), Decimal("0.00")
        ),
        "fees_currency": currency,
        **renewal_figures(lines),
    }


def renewal_figures(lines) -> dict:
    """When the lines next renew: the earliest term end, and the earliest of a commitment."""
    ends = [line.term_end for line in lines if line.term_end and line.commitment]
    committed = [
        line.term_end
        for line in lines
        if line.term_end and line.commitment not in ("", Commitment.MONTHLY)
    ]
    return {
        "renews_on": min(ends, default=None),
        "commitment_ends_on": min(committed, default=None),
    }


def company_fees_refresh(company: Company) -> None:
    """Copy the paying version's products, seats and monthly fees onto the company (the
    customer lists read them from there), and count its months in its partner's (the
    dashboards read those); called whenever a version is made or moves."""
    paying = paying_version(list(company.agreements.all()))
    if paying is not None:
        figures = fee_figures(list(paying.lines.all()), paying.total_users, paying.currency)
    else:
        # Nothing to pay (a prospect, or a new order rejected): the products it is expected to
        # buy, as services.product_codes keeps them for a prospect.
        expected = company.products.order_by("product__position", "product__code")
        codes = list(expected.values_list("product__code", flat=True))
        figures = {
            "fee_products": f" {' '.join(codes)} " if codes else "",
            "fee_seats": None,
            "monthly_fees": None,
            "fees_currency": "",
            "renews_on": None,
            "commitment_ends_on": None,
        }
    Company.objects.filter(pk=company.pk).update(**figures)
    for name, value in figures.items():
        setattr(company, name, value)
    figures_refresh([company.pk])
