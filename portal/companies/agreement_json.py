"""One agreement version as JSON: the one shape the API, the webhooks and the vendor payload
build on. ``status`` is the code (``upsell_pending``), ``status_label`` the words the pages show
("Upsell Pending Order"); amounts are strings with their places ("2011.90"), so that no receiver
rounds them as floats.
"""

import datetime

from portal.pricing import Totals

from .agreements import agreement_lines
from .models import Agreement
from .versions import standing


def _amount(money) -> str:
    return str(money.rounded().amount)


def totals_json(totals: Totals) -> dict:
    return {
        "monthly": _amount(totals.monthly),
        "annual": _amount(totals.annual),
        "one_time": _amount(totals.one_time),
        "initial": _amount(totals.initial),
    }


def line_json(line) -> dict:
    return {
        "code": line.code,
        "name": line.name,
        "term": str(line.term),
        "charge": str(line.charge),
        "quantity": line.quantity,
        "unit_price": str(line.unit_price.amount),
        "payment": str(line.payment.amount),
    }


def agreement_json(
    agreement: Agreement, *, detail: bool = False, today: datetime.date | None = None
) -> dict:
    """The version, its status (code and label), seats, currency and four totals; ``detail``
    adds its id, where it stands in time, the reason, who made it and when, and its lines."""
    lines = agreement_lines(agreement)
    data = {
        "version": agreement.version,
        "status": agreement.status,
        "status_label": agreement.get_status_display(),
        "total_users": agreement.total_users,
        "currency": agreement.currency,
        "totals": totals_json(Totals.of(lines, agreement.currency)),
    }
    if detail:
        data |= {
            "id": agreement.pk,
            "standing": standing(agreement).value,
            "effective_from": agreement.effective_from,
            "effective_until": agreement.effective_until,
            "reason": agreement.reason,
            "created_at": agreement.created_at,
            "activated_at": agreement.activated_at,
            "submitted_by": str(agreement.created_by) if agreement.created_by_id else None,
            "lines": [line_json(line) for line in lines],
        }
    return data
