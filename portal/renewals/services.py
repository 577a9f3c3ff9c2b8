"""Manage renewal: auto-renew off (the product ends at its term end) or on again, and the
changes scheduled for a line's next renewal (fewer seats, the product removed, another term),
each cancellable until the product's renewal deadline.

Each service locks the company row first, so that two requests (a double submit, two users,
the API and the screen) run one after the other and the second sees what the first did; each
writes one History Log entry in the same transaction. A refusal is a ``ValidationError``: with
the field it concerns (``seats``, ``commitment``, ``code``, ``kind``) where there is one, or a
``RenewalRefused`` when the renewal's state refuses it (the deadline passed, cancelled already).
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from portal.catalog.models import Commitment, Product
from portal.companies.models import Agreement, AgreementLine, Company
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.orders.rules import missing_host
from portal.pricing import Charge

from .deadlines import last_day, open_until
from .models import RenewalChange

Kind = RenewalChange.Kind
Status = RenewalChange.Status
SEATS_TOO_LOW = "Enter at least 1 seat."


class RenewalRefused(ValidationError):
    """Refused in the renewal's current state (not for what was entered)."""

    def __str__(self) -> str:
        return " ".join(self.messages)


def _lock(company: Company) -> Company:
    return Company.objects.select_for_update().get(pk=company.pk)


def versions_of(company: Company, agreements=None) -> tuple[Agreement | None, Agreement | None]:
    """The version in effect and the one scheduled to replace it (if any), with their lines
    and products. ``agreements``: the company's versions with their lines, read already (the
    customer page has them): then only the products are read."""
    wanted = (Agreement.Status.ACTIVE, Agreement.Status.SCHEDULED)
    if agreements is None:
        found = company.agreements.filter(status__in=wanted).prefetch_related("lines__product")
        found = {a.status: a for a in found}
    else:
        found = {a.status: a for a in agreements if a.status in wanted}
        lines = [line for a in found.values() for line in a.lines.all()]
        prefetch_related_objects(lines, "product")
    return found.get(Agreement.Status.ACTIVE), found.get(Agreement.Status.SCHEDULED)


def lines_at(
    active: Agreement, scheduled: Agreement | None, day: datetime.date
) -> list[AgreementLine]:
    """The lines of the version in effect on ``day``: the scheduled one once it has taken
    effect (a downsell at a billing date before the renewal), else the one in effect now."""
    if scheduled is not None and scheduled.effective_from <= day:
        return list(scheduled.lines.all())
    return list(active.lines.all())


def scheduled_changes(company: Company) -> list[RenewalChange]:
    return list(
        RenewalChange.objects.filter(company=company, status=Status.SCHEDULED).select_related(
            "product", "created_by"
        )
    )


def _day(day: datetime.date) -> str:
    return f"{day:%Y-%m-%d}"


# What may be changed


def renewal_refusal(line: AgreementLine, today: datetime.date) -> str:
    """Why the renewal of ``line`` cannot be changed ``today``, or "" if it can."""
    if not line.commitment:
        return f"{line.code} is a one-time charge: it has no renewal."
    if line.term_end is None:
        return f"{line.code} has no term end yet: it is set when the vendor provisions it."
    if not open_until(line.term_end, line.product, today):
        return (
            f"Changes for the renewal of {line.code} on {_day(line.term_end)} could be made "
            f"until {_day(last_day(line.term_end, line.product))}."
        )
    return ""


def _line(company: Company, code: str) -> tuple[AgreementLine, Agreement, Agreement | None]:
    active, scheduled = versions_of(company)
    if active is None:
        raise RenewalRefused(f"{company} has no agreement in effect: there is no renewal.")
    line = next((line for line in active.lines.all() if line.code == code), None)
    if line is None:
        codes = ", ".join(line.code for line in active.lines.all())
        raise ValidationError({"code": [f"Not a product {company} has: choose one of {codes}."]})
    return line, active, scheduled


def _open(line: AgreementLine, today: datetime.date) -> None:
    if refusal := renewal_refusal(line, today):
        raise RenewalRefused(refusal)


# What the agreement is after the renewal, without prices: the rules a change must keep


def remaining(lines, changes, renews_on: datetime.date) -> dict[str, tuple[Product, int]]:
    """Code → (product, seats) of what the customer has from ``renews_on``, ending and
    changing lines as ``plan.renewal_plan`` does (auto-renew off or removed: ends; fewer seats:
    the new count). No prices: a check of the seat and product rules must not depend on one."""
    due: dict[str, dict[str, RenewalChange]] = {}
    for change in changes:
        if change.renews_on == renews_on:
            due.setdefault(change.code, {})[change.kind] = change
    left = {}
    for line in lines:
        if line.term_end is None or line.term_end > renews_on or not line.commitment:
            left[line.code] = (line.product, line.quantity)
            continue
        own = due.get(line.code, {})
        if Kind.REMOVE in own or not line.auto_renew:
            continue
        seats = own[Kind.SEATS].seats if Kind.SEATS in own else line.quantity
        left[line.code] = (line.product, seats)
    return left


def users_after(left: dict[str, tuple[Product, int]], fallback: int) -> int:
    """The permitted users after the renewal: the seats of the largest per-seat primary left
    (the users every add-on without a count of its own follows)."""
    seats = [
        quantity
        for product, quantity in left.values()
        if product.kind == Product.Kind.PRIMARY and product.charge == Charge.PER_SEAT.value
    ]
    return max(seats, default=fallback)


def plan_problems(lines, changes, renews_on: datetime.date, users: int) -> list[str]:
    """What would be wrong with the agreement after the renewal: an add-on with its own seats
    above the permitted users (``companies.seats``), or one left without a product it can be
    added to (``Product.addable_to``)."""
    left = remaining(lines, changes, renews_on)
    chosen = {product for product, _ in left.values()}
    users = users_after(left, users)
    problems = []
    on = _day(renews_on)
    for code, (product, seats) in left.items():
        if product.needs_own_seats and seats > users:
            problems.append(
                f"{code} would keep {seats:,} seats, more than the {users:,} permitted users "
                f"after the renewal on {on}: schedule fewer {code} seats first."
            )
        if names := missing_host(product, chosen):
            problems.append(
                f"{code} can only be added to {names}, which would not be renewed on {on}: "
                f"remove {code} at renewal first, or keep {names}."
            )
    return problems


def _keeps_the_rules(lines, before, after, renews_on, users, *, lines_after=None) -> None:
    """Refuse a change that makes the renewal break a rule it did not break before."""
    was = set(plan_problems(lines, before, renews_on, users))
    new = [p for p in plan_problems(lines_after or lines, after, renews_on, users) if p not in was]
    if new:
        raise ValidationError(new)


def _cancel(changes: list[RenewalChange], actor, now) -> None:
    for change in changes:
        change.status = Status.CANCELLED
        change.cancelled_by = actor if getattr(actor, "pk", None) else None
        change.cancelled_at = now
        change.save(update_fields=["status", "cancelled_by", "cancelled_at"])


# The services


@transaction.atomic
def auto_renew_set(
    *, company: Company, code: str, on: bool, actor, today: datetime.date | None = None
) -> AgreementLine:
    """Auto-renew of a product line on or off, until its renewal deadline: off, the product
    ends at its term end (and the changes scheduled for its renewal are cancelled: there is no
    renewal left to change); on, it renews again. The line of the version in effect changes,
    and the same product's line of a version scheduled or waiting for the vendor, so that the
    next version does not bring the old setting back."""
    today = today or timezone.localdate()
    company = _lock(company)
    line, active, scheduled = _line(company, code)
    _open(line, today)
    if line.auto_renew == on:
        return line  # as asked already (a double submit): nothing to write
    pending = list(company.agreements.filter(status__in=Agreement.PENDING))
    changes = scheduled_changes(company)
    own = [c for c in changes if c.code == code]
    flipped = []
    for each in lines_at(active, scheduled, line.term_end):
        each = copy.copy(each)
        if each.code == code:
            each.auto_renew = on
        flipped.append(each)
    kept = changes if on else [c for c in changes if c.code != code]
    _keeps_the_rules(
        lines_at(active, scheduled, line.term_end),
        changes,
        kept,
        line.term_end,
        active.total_users,
        lines_after=flipped,
    )
    versions = [active, *([scheduled] if scheduled else []), *pending]
    AgreementLine.objects.filter(agreement__in=versions, code=code).update(auto_renew=on)
    line.auto_renew = on
    history = {f"{code} auto-renew": ["Off" if on else "On", "On" if on else "Off"]}
    if not on and own:
        _cancel(own, actor, timezone.now())
        history["Cancelled with it"] = [", ".join(c.describe() for c in own), None]
    end = _day(line.term_end)
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Auto-renew of {code} turned on: it renews on {end}"
        if on
        else f"Auto-renew of {code} turned off: it ends at its term end on {end}",
        changes=history,
    )
    return line


def _checked_values(
    line: AgreementLine, kind: str, seats, commitment, now_seats: int
) -> tuple[int | None, str]:
    """The seats or term of a change of ``kind``, checked against the line."""
    product = line.product
    if kind == Kind.SEATS:
        if product.charge == Charge.FLAT.value:
            raise ValidationError({"seats": [f"{line.code} is priced flat: it has no seats."]})
        if seats is None or seats < 1:
            raise ValidationError({"seats": [SEATS_TOO_LOW]})
        if seats >= now_seats:
            raise ValidationError(
                {
                    "seats": [
                        f"Enter fewer than the {now_seats:,} seats {line.code} has now: seats "
                        "go up with Change Options, at any time."
                    ]
                }
            )
        return seats, ""
    if kind == Kind.TERM:
        offered = [term.value for term in product.terms()]
        if commitment not in offered:
            labels = ", ".join(Commitment(term).label for term in offered)
            raise ValidationError({"commitment": [f"{line.code} is offered on: {labels}."]})
        if commitment == line.commitment:
            raise ValidationError(
                {
                    "commitment": [
                        f"{line.code} is on a {Commitment(commitment).label} already: choose "
                        "another term."
                    ]
                }
            )
        return None, commitment
    return None, ""


@transaction.atomic
def renewal_change_schedule(
    *,
    company: Company,
    code: str,
    kind: str,
    seats: int | None = None,
    commitment: str | None = None,
    actor,
    today: datetime.date | None = None,
) -> RenewalChange:
    """Schedule a change for the next renewal of the product line ``code`` (its term end),
    until the renewal deadline: fewer seats (``seats``), the product removed, or another term
    (``commitment``). A second change of the same kind replaces the first; a removal cancels
    the others scheduled for the product. The same change again returns the one scheduled."""
    if kind not in Kind.values:
        raise ValidationError({"kind": [f"Choose one of: {', '.join(Kind.values)}."]})
    today = today or timezone.localdate()
    company = _lock(company)
    line, active, scheduled = _line(company, code)
    _open(line, today)
    renews_on = line.term_end
    if not line.auto_renew:
        raise RenewalRefused(
            f"{code} ends at its term end on {_day(renews_on)} (auto-renew is off): turn "
            "auto-renew on to schedule changes for its renewal."
        )
    lines = lines_at(active, scheduled, renews_on)
    now_seats = next((each.quantity for each in lines if each.code == code), line.quantity)
    seats, commitment = _checked_values(line, kind, seats, commitment or "", now_seats)
    changes = scheduled_changes(company)
    own = {c.kind: c for c in changes if c.code == code}
    if kind != Kind.REMOVE and Kind.REMOVE in own:
        raise RenewalRefused(
            f"{code} is to be removed at the renewal on {_day(renews_on)}: cancel the removal "
            "first."
        )
    same = own.get(kind)
    if (
        same is not None
        and same.renews_on == renews_on
        and (same.seats, same.commitment) == (seats, commitment)
    ):
        return same  # submitted twice: one change
    replaced = [same] if same is not None else []
    if kind == Kind.REMOVE:
        replaced = list(own.values())
    change = RenewalChange(
        company=company,
        product=line.product,
        code=code,
        renews_on=renews_on,
        kind=kind,
        seats=seats,
        commitment=commitment,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    kept = [c for c in changes if c not in replaced]
    _keeps_the_rules(lines, changes, [*kept, change], renews_on, active.total_users)
    now = timezone.now()
    _cancel(replaced, actor, now)  # first: one scheduled change of a kind at a time
    change.created_at = now
    change.save()
    history = {f"{code} at renewal on {_day(renews_on)}": [None, change.describe()]}
    if replaced:
        history["Cancelled with it"] = [", ".join(c.describe() for c in replaced), None]
    was = {
        Kind.SEATS: f" (now {now_seats:,})",
        Kind.TERM: f" (now a {Commitment(line.commitment).label})",
    }.get(kind, "")
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Scheduled for the renewal of {code} on {_day(renews_on)}: "
        f"{change.describe()}{was}",
        changes=history,
    )
    return change


@transaction.atomic
def renewal_change_cancel(
    *, change: RenewalChange, actor, today: datetime.date | None = None
) -> RenewalChange:
    """Cancel a scheduled change, until the renewal deadline (inclusive), not after."""
    today = today or timezone.localdate()
    company = _lock(change.company)
    change = RenewalChange.objects.select_related("product").get(pk=change.pk)
    if change.status == Status.CANCELLED:
        raise RenewalRefused("This change was cancelled already.")
    if change.status == Status.APPLIED:
        raise RenewalRefused(
            f"This change was applied at the renewal on {_day(change.renews_on)}: it can no "
            "longer be cancelled."
        )
    if not open_until(change.renews_on, change.product, today):
        raise RenewalRefused(
            f"Changes for the renewal of {change.code} on {_day(change.renews_on)} could be "
            f"cancelled until {_day(last_day(change.renews_on, change.product))}."
        )
    active, scheduled = versions_of(company)
    changes = scheduled_changes(company)
    if active is not None:
        _keeps_the_rules(
            lines_at(active, scheduled, change.renews_on),
            changes,
            [c for c in changes if c.pk != change.pk],
            change.renews_on,
            active.total_users,
        )
    _cancel([change], actor, timezone.now())
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Cancelled for the renewal of {change.code} on {_day(change.renews_on)}: "
        f"{change.describe()}",
        changes={
            f"{change.code} at renewal on {_day(change.renews_on)}": [change.describe(), None]
        },
    )
    return change
