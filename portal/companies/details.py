"""A customer's details that are edited outside Change Options (Edit Details on the customer
page, PATCH on the API): website, sector, implementation lead and secondary contact.

The checks are shared by the screen's form and the API; the write takes the row lock and
refuses to overwrite what someone else saved after the editor read it (``updated_at``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import URLField
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.selectors import implementation_leads_for
from portal.core.history import history_for

from .models import Company
from .services import company_update

DETAILS = ("website", "sector", "implementation_lead", "secondary_contact")
WEBSITE = URLField(required=False, assume_scheme="https", max_length=200)
LEAD_REQUIRED = "Choose the Implementation Lead."
NOT_A_LEAD = "Choose one of your MSP's implementation leads."
SAME_PERSON = "Choose someone other than the Implementation Lead, or nobody."


class ChangedSince(Exception):
    """Someone saved the company after the editor opened it: their edit would overwrite it."""

    def __init__(self, company: Company, since: datetime.datetime):
        entry = history_for(company).filter(created_at__gt=since).first()
        who = str(entry.actor) if entry and entry.actor_id else "someone else"
        when = timezone.localtime(company.updated_at)
        super().__init__(
            f"{company.name} was changed by {who} at {when:%Y-%m-%d %H:%M} since you opened "
            "it: nothing was saved."
        )


def lead_choices(company: Company) -> QuerySet[User]:
    """Who may be lead or secondary contact: the MSP's implementation leads, and whoever holds
    the role now (so that editing the website keeps a lead who has since lost the flag)."""
    held = [pk for pk in (company.implementation_lead_id, company.secondary_contact_id) if pk]
    return (
        User.objects.filter(partner_id=company.partner_id)
        .filter(Q(pk__in=implementation_leads_for(company.partner).values("pk")) | Q(pk__in=held))
        .order_by("full_name", "email")
    )


def website_clean(value: str) -> str:
    """The website as the Create Prospect form takes it (``https://`` assumed)."""
    return WEBSITE.clean((value or "").strip())


def details_errors(*, implementation_lead, secondary_contact) -> dict[str, list[str]]:
    """What is wrong with the people chosen (each already one of ``lead_choices``)."""
    errors: dict[str, list[str]] = {}
    if implementation_lead is None:
        errors["implementation_lead"] = [LEAD_REQUIRED]
    elif secondary_contact is not None and secondary_contact == implementation_lead:
        errors["secondary_contact"] = [SAME_PERSON]
    return errors


def website_errors(value: str) -> list[str]:
    try:
        website_clean(value)
    except ValidationError as exc:
        return list(exc.messages)
    return []


@transaction.atomic
def details_update(*, company: Company, actor, seen: datetime.datetime | None, **fields) -> Company:
    """Save the details given (some of ``DETAILS``), in one History Log entry of what changed.

    ``seen`` is the company's ``updated_at`` when the editor read it: if the company was saved
    since, ``ChangedSince`` is raised and nothing is written. None skips the check (an API
    client that does not send it)."""
    unknown = set(fields) - set(DETAILS)
    if unknown:
        raise ValueError(f"Not a detail: {', '.join(sorted(unknown))}")
    locked = Company.objects.select_for_update().select_related("partner").get(pk=company.pk)
    if seen is not None and locked.updated_at != seen:
        raise ChangedSince(locked, seen)
    changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if changed:
        company_update(company=locked, actor=actor, **changed)
    return locked
