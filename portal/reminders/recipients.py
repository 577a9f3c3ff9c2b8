"""Who gets a reminder: the people it concerns (the user who submitted or saved it, the
implementation lead, and for terms and deadlines the MSP's Admins), each as they chose in
their preferences. Only active users of the reminder's own MSP, whatever the data says."""

from dataclasses import dataclass

from portal.accounts.models import User

from .due import Due, Run
from .models import Delivery, Preference


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str
    partner_id: int
    is_admin: bool


def _people(run: Run, partner_ids: set[int]) -> dict[int, dict[int, Person]]:
    """The active users of each MSP, read once per run (a handful of queries in all)."""
    people = run.cache.setdefault("people", {})
    missing = partner_ids - people.keys()
    if missing:
        for partner_id in missing:
            people[partner_id] = {}
        rows = User.objects.filter(partner_id__in=missing, is_active=True).values_list(
            "id", "email", "full_name", "partner_id", "role"
        )
        for pk, email, name, partner_id, role in rows:
            people[partner_id][pk] = Person(
                pk, email, name or email, partner_id, role == User.Role.ADMIN
            )
        choices = run.cache.setdefault("preferences", {})
        ids = [pk for partner_id in missing for pk in people[partner_id]]
        for user_id, kind, delivery in Preference.objects.filter(user_id__in=ids).values_list(
            "user_id", "kind", "delivery"
        ):
            choices[user_id, kind] = delivery
    return people


def recipients_of(dues: list[Due], run: Run) -> dict[int, list[tuple[Person, str]]]:
    """For each due (by its index in ``dues``), (person, delivery) of those who get it."""
    people = _people(run, {due.partner_id for due in dues})
    choices = run.cache["preferences"]
    found = {}
    for n, due in enumerate(dues):
        staff = people[due.partner_id]  # this MSP's active users only
        chosen = [pk for pk in (*due.owners, *due.leads) if pk in staff]
        if due.admins or not chosen:
            chosen += [pk for pk, person in staff.items() if person.is_admin]
        told = []
        for pk in dict.fromkeys(chosen):
            delivery = choices.get((pk, due.kind), Delivery.EMAIL)
            if delivery != Delivery.OFF:
                told.append((staff[pk], delivery))
        found[n] = told
    return found
