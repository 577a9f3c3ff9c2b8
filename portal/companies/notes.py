"""Notes on a company: who wrote them and when, newest first. A note is changed or deleted only
by its author or an Admin of the MSP; each write has its History Log entry on the company."""

from django.db import transaction
from django.utils import timezone

from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import Company, CustomerNote

MAX_NOTE = 5000
PAGE = 10
# How much of a note the History Log keeps: the note itself is the record.
SHOWN = 200


def note_errors(text: str) -> dict[str, list[str]]:
    if not text.strip():
        return {"text": ["Write the note."]}
    if len(text) > MAX_NOTE:
        return {"text": [f"A note has at most {MAX_NOTE:,} characters (this has {len(text):,})."]}
    return {}


def may_change(user, note: CustomerNote) -> bool:
    return note.author_id == user.pk or user.is_msp_admin


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SHOWN else line[: SHOWN - 1] + "…"


@transaction.atomic
def note_add(*, company: Company, actor, text: str) -> CustomerNote:
    note = CustomerNote.objects.create(company=company, author=actor, text=text.strip())
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Note added: {_short(note.text)[:80]}",
        changes={"Note": [None, _short(note.text)]},
    )
    return note


@transaction.atomic
def note_change(*, note: CustomerNote, actor, text: str) -> CustomerNote:
    text = text.strip()
    if text == note.text:
        return note
    before = note.text
    note.text = text
    note.edited_at = timezone.now()
    note.save(update_fields=["text", "edited_at"])
    history_record(
        actor=actor,
        obj=note.company,
        action=HistoryEntry.Action.UPDATE,
        summary="Note edited",
        changes={"Note": [_short(before), _short(text)]},
    )
    return note


@transaction.atomic
def note_remove(*, note: CustomerNote, actor) -> None:
    history_record(
        actor=actor,
        obj=note.company,
        action=HistoryEntry.Action.UPDATE,
        summary="Note deleted",
        changes={"Note": [_short(note.text), None]},
    )
    note.delete()
