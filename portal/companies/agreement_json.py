"""One agreement version as JSON: the one shape the API, the webhooks and the vendor payload
build on. ``status`` is the code (``upsell_pending``), ``status_label`` the words the pages show
("Upsell Pending Order"); amounts are strings with their places ("2011.90"), so that no receiver
rounds them as floats; dates are ISO days ("2027-01-01").

A line's ``term`` is its *price's* term (``monthly``, ``annual``, ``one_time``: what the unit
price is per), as it always was; its subscription term is ``commitment`` (``monthly``, ``1y``,
``3y``; null for a one-time charge), with ``billing``, ``term_start``, ``term_end`` (the renewal
day) and ``auto_renew``.
"""

import datetime

from django.db.models import prefetch_related_objects

from portal.pricing import Totals

from .agreements import agreement_lines
from .models import Agreement, AgreementLine
from .versions import standing


def _amount(money) -> str:
    return str(money.rounded().amount)


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def totals_json(totals: Totals) -> dict:
    return {
        "monthly": _amount(totals.monthly),
        "annual": _amount(totals.annual),
        "one_time": _amount(totals.one_time),
        "initial": _amount(totals.initial),
    }


def term_json(row: AgreementLine) -> dict:
    """A stored line's subscription term. The dates are empty until the version is provisioned
    (then the term starts the day it takes effect); a line co-termed with the term it joins
    has its ``term_end`` from the start."""
    return {
        "commitment": row.commitment or None,
        "billing": row.billing or None,
        "term_start": _day(row.term_start),
        "term_end": _day(row.term_end),
        "auto_renew": row.auto_renew,
    }


def line_json(line, row: AgreementLine | None = None) -> dict:
    """A priced line (of a quote, or of a version: then ``row``, its stored line, adds the
    term)."""
    data = {
        "code": line.code,
        "name": line.name,
        "term": str(line.term),
        "charge": str(line.charge),
        "quantity": line.quantity,
        "unit_price": str(line.unit_price.amount),
        "payment": str(line.payment.amount),
    }
    if row is not None:
        data |= term_json(row)
    return data


def agreement_json(
    agreement: Agreement,
    *,
    detail: bool = False,
    lines: bool = False,
) -> dict:
    """The version, its status (code and label), seats, currency, four totals and the days it
    is in effect; ``lines`` adds its lines with their terms; ``detail`` adds the lines, its id,
    where it stands in time, the reason, who made it and when."""
    # One read of the lines serves the totals and the lines' terms.
    if "lines" not in getattr(agreement, "_prefetched_objects_cache", {}):
        prefetch_related_objects([agreement], "lines")
    priced = agreement_lines(agreement)
    data = {
        "version": agreement.version,
        "status": agreement.status,
        "status_label": agreement.get_status_display(),
        "total_users": agreement.total_users,
        "currency": agreement.currency,
        "totals": totals_json(Totals.of(priced, agreement.currency)),
        "effective_from": _day(agreement.effective_from),
        "effective_until": _day(agreement.effective_until),
    }
    if detail:
        data |= {
            "id": agreement.pk,
            "standing": standing(agreement).value,
            "reason": agreement.reason,
            "created_at": agreement.created_at,
            "activated_at": agreement.activated_at,
            "submitted_by": str(agreement.created_by) if agreement.created_by_id else None,
        }
    if detail or lines:
        rows = agreement.lines.all()
        data["lines"] = [line_json(line, row) for line, row in zip(priced, rows, strict=True)]
    return data
