"""Contacts of a customer (name, role, e-mail, phone): their checks, shared by the customer
page and the API, and their writes, each with its History Log entry on the company."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from portal.core.history import history_record, snapshot
from portal.core.models import HistoryEntry

from .models import Company, CustomerContact

MAX_CONTACTS = 50
FIELDS = ("name", "role", "email", "phone")
LIMITS = {name: CustomerContact._meta.get_field(name).max_length for name in FIELDS}
LABELS = {"name": "Name", "role": "Role", "email": "E-mail", "phone": "Phone"}
# Digits with what people write between them: +44 (0)20 7946-0958, ext. 12.
PHONE = re.compile(r"^\+?[0-9 ()./-]+(?:\s*(?:ext\.?|x)\s*[0-9]+)?$", re.IGNORECASE)
PHONE_MESSAGE = (
    "Enter a phone number: digits, spaces and + ( ) - . / only, with an optional “ext. 12”."
)
TOO_MANY = (
    f"A customer has at most {MAX_CONTACTS} contacts: remove one you no longer need before "
    "adding another."
)


class TooManyContacts(Exception):
    pass


def contact_errors(*, name: str, role: str, email: str, phone: str) -> dict[str, list[str]]:
    """Field → messages for a contact's values (already stripped)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not name:
        add("name", "Enter the contact's name.")
    for field, value in (("name", name), ("role", role), ("email", email), ("phone", phone)):
        if len(value) > LIMITS[field]:
            add(field, f"At most {LIMITS[field]} characters (this has {len(value)}).")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            add("email", "Enter a valid e-mail address.")
    if phone and not PHONE.match(phone):
        add("phone", PHONE_MESSAGE)
    if phone and sum(c.isdigit() for c in phone) < 3:
        add("phone", "A phone number has at least 3 digits.")
    return errors


def cleaned(values: dict) -> dict:
    """The fields as stored: stripped, the e-mail address in lower case."""
    fields = {name: " ".join(str(values.get(name) or "").split()) for name in FIELDS}
    fields["email"] = fields["email"].lower()
    return fields


@transaction.atomic
def contact_add(*, company: Company, actor, **fields) -> CustomerContact:
    # The lock makes two adds at once count each other.
    Company.objects.select_for_update().filter(pk=company.pk).first()
    if company.contacts.count() >= MAX_CONTACTS:
        raise TooManyContacts(TOO_MANY)
    contact = CustomerContact.objects.create(company=company, **fields)
    history_record(
        actor=actor,
        obj=company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Contact added: {contact}",
        changes={"Contact": [None, _line(contact)]},
    )
    return contact


@transaction.atomic
def contact_change(*, contact: CustomerContact, actor, **fields) -> CustomerContact:
    before = snapshot(contact, list(FIELDS))
    for name, value in fields.items():
        setattr(contact, name, value)
    after = snapshot(contact, list(FIELDS))
    changes = {LABELS[n]: [before[n], after[n]] for n in FIELDS if before[n] != after[n]}
    if not changes:
        return contact
    contact.updated_at = timezone.now()
    contact.save()
    history_record(
        actor=actor,
        obj=contact.company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Contact changed: {contact.name}",
        changes=changes,
    )
    return contact


@transaction.atomic
def contact_remove(*, contact: CustomerContact, actor) -> None:
    history_record(
        actor=actor,
        obj=contact.company,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Contact removed: {contact}",
        changes={"Contact": [_line(contact), None]},
    )
    contact.delete()


def _line(contact: CustomerContact) -> str:
    """The contact on one line, as the History Log shows it."""
    return ", ".join(v for v in (str(contact), contact.email, contact.phone) if v)
