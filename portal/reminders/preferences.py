"""Writing what users and MSPs chose: each user's delivery per kind of reminder, and an MSP's
days before a term ends (its Admins'), each change in the History Log."""

from django.db import transaction
from django.utils import timezone

from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import DEFAULT_TERM_DAYS, Delivery, Kind, Preference, TermDays


def deliveries_of(user) -> dict[str, str]:
    """Kind → how the user gets it (an e-mail each unless they chose otherwise)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind.value, Delivery.EMAIL.value) for kind in Kind}


@transaction.atomic
def preferences_save(*, user, deliveries: dict[str, str]) -> bool:
    """Keep ``deliveries`` (kind → delivery) for ``user``; False if nothing changed."""
    before = deliveries_of(user)
    changes = {}
    for kind in Kind:
        new = deliveries.get(kind.value, before[kind.value])
        if new not in Delivery.values:
            raise ValueError(f"Not a delivery: {new!r}")
        if new != before[kind.value]:
            Preference.objects.update_or_create(
                user=user, kind=kind.value, defaults={"delivery": new}
            )
            changes[kind.label] = [Delivery(before[kind.value]).label, Delivery(new).label]
    if changes:
        history_record(
            actor=user,
            obj=user,
            action=HistoryEntry.Action.UPDATE,
            summary="Reminder preferences changed",
            changes=changes,
        )
    return bool(changes)


def term_days_of(partner) -> list[int]:
    row = TermDays.objects.filter(partner=partner).first()
    return list(row.days) if row else list(DEFAULT_TERM_DAYS)


@transaction.atomic
def term_days_save(*, partner, actor, days: list[int]) -> bool:
    """The MSP's days before a term ends for its reminders; False if they were these."""
    days = sorted(set(days), reverse=True)
    row, _ = TermDays.objects.select_for_update().get_or_create(
        partner=partner, defaults={"days": list(DEFAULT_TERM_DAYS)}
    )
    before = list(row.days)
    if before == days:
        return False
    row.days, row.updated_at = days, timezone.now()
    row.save(update_fields=["days", "updated_at"])
    history_record(
        actor=actor,
        obj=row,
        action=HistoryEntry.Action.UPDATE,
        summary="Days before a term ends for its reminders changed",
        changes={"Days before a term ends": [_shown(before), _shown(days)]},
    )
    return True


def _shown(days: list[int]) -> str:
    return ", ".join(str(d) for d in days)
