"""Writing the history log: called from services, inside the transaction of the change."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import HistoryEntry
from .tenancy import for_partner


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The values of ``fields`` as they read on screen, for a before/after comparison."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if field.many_to_many:
            value = sorted(str(item) for item in value.all()) if obj.pk else []
        elif field.choices and value not in (None, ""):
            # "Finance and insurance", not "finance": the log reads as the screens do.
            value = str(dict(field.flatchoices).get(value, value))
        elif value is not None and not isinstance(value, bool | int | str):
            value = str(value)
        values[name] = value
    return values


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for the fields whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def history_record(**entry: Any) -> HistoryEntry:
    """Write one history entry (``history_entry``'s keywords) in the caller's transaction: it
    rolls back with the change."""
    written = history_entry(**entry)
    written.save(force_insert=True)
    return written


def history_entry(
    *,
    actor,
    obj: models.Model,
    action: str,
    summary: str,
    changes: dict[str, list[Any]] | None = None,
    msp_only: bool = False,
) -> HistoryEntry:
    """One history entry, not saved yet: ``msp_only`` for the MSP's own business, which the
    vendor's console never lists. ``history_record`` writes it; a service recording many
    changes at once writes theirs in one ``bulk_create``, in its transaction."""
    return HistoryEntry(
        partner_id=getattr(obj, "partner_id", None),
        actor=actor if getattr(actor, "pk", None) else None,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        action=action,
        summary=summary[:300],
        changes=changes or {},
        msp_only=msp_only,
    )


def history_for(obj: models.Model):
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
    ).select_related("actor")


def history_entries_for(user):
    """The history of everything of the user's partner, newest first, with who did it."""
    return for_partner(HistoryEntry, user).select_related("actor")
