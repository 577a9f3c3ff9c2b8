"""The checks a prospect must pass, shared by the Create Prospect form, the API and the upload.

What the checks compare against (the MSP's names, who holds which domain) is loaded up front in
a fixed number of queries, so checking 100,000 uploaded rows costs no query per row.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from portal.companies.domains import domain_syntax_error, normalize_domain
from portal.companies.models import Company
from portal.core.bulk import in_list

TABLE = Company._meta.db_table

# What a prospect cannot be saved without, on the Create Prospect form and over the API.
REQUIRED = ("company_type", "name", "domain", "sector", "implementation_lead", "permitted_users")


@dataclass
class Known:
    partner_id: int
    names: dict[str, int] = field(default_factory=dict)  # lower-case name → company id
    domains: dict[str, list[tuple[int, int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # domain → [(company id, partner id, name)]

    @classmethod
    def load(cls, partner_id: int, *, names: Iterable[str], domains: Iterable[str]) -> "Known":
        known = cls(partner_id)
        # As check_name compares them: inner runs of spaces are one space.
        names = sorted({normalize_name(name).lower() for name in names if name})
        domains = sorted({domain for domain in domains if domain})
        with connection.cursor() as cursor:
            if names:
                where, params = in_list("name_key", names)
                cursor.execute(
                    f"SELECT name_key, id FROM {TABLE} WHERE partner_id = %s AND {where}",
                    [partner_id, *params],
                )
                known.names.update(cursor.fetchall())
            if domains:
                where, params = in_list("domain", domains)
                cursor.execute(
                    f"SELECT domain, id, partner_id, name FROM {TABLE} WHERE {where}", params
                )
                for domain, pk, partner, name in cursor.fetchall():
                    known.domains[domain].append((pk, partner, name))
        return known

    @classmethod
    def load_one(cls, partner_id: int, *, name: str, domain: str) -> "Known":
        """What one prospect's name and domain (as typed) are checked against."""
        return cls.load(partner_id, names=[name], domains=[normalize_domain(domain)])


ABBREVIATED = "This looks like an abbreviation. Use the full legal name if you can."


def looks_abbreviated(name: str) -> bool:
    """Mostly capitals and under five letters, like "IBM" or "A.C.M.E." — worth a warning."""
    letters = [c for c in name if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    return 0 < len(letters) < 5 and capitals * 2 > len(letters)


def name_warning(name: str) -> str:
    """A warning for a name that is saved all the same (empty when there is none)."""
    return ABBREVIATED if name and looks_abbreviated(name) else ""


def normalize_name(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def check_name(value: str, known: Known, *, pk: int | None = None) -> str:
    name = normalize_name(value)
    if not name:
        raise ValidationError("Enter the company name.")
    if len(name) > 200:
        raise ValidationError("A company name has at most 200 characters.")
    holder = known.names.get(name.lower())
    if holder and holder != pk:
        raise ValidationError(f"You already have a company called “{name}”.")
    return name


def check_domain(value: str, known: Known, *, pk: int | None = None) -> str:
    domain = normalize_domain(value or "")
    if error := domain_syntax_error(domain):
        raise ValidationError(error)
    for holder_pk, partner_id, name in known.domains.get(domain, []):
        if holder_pk == pk:
            continue
        if partner_id == known.partner_id:
            raise ValidationError(f"Your company “{name}” already has this domain.")
        raise ValidationError(
            "Channel conflict: another MSP's prospect or customer already holds this domain."
        )
    return domain


def check_provision_date(
    date: datetime.date | None, *, creating: bool, today: datetime.date | None = None
) -> None:
    """``today`` once for many rows (the upload): asking the clock costs more than the rule."""
    if date and creating and date < (today or timezone.localdate()):
        raise ValidationError("The expected provision date cannot be in the past.")


def contacts_error(lead, secondary) -> str:
    if lead and secondary and lead == secondary:
        return "Choose someone other than the Implementation Lead, or nobody."
    return ""
