"""The ``data`` of each event: ids and plain figures of one partner's own objects, never
another partner's. Amounts are strings ("1234.50"), so no receiver rounds them as floats."""

from portal.companies.agreement_json import agreement_json
from portal.companies.models import Agreement, Company
from portal.renewals.events import renewal_json


def _moment(value) -> str | None:
    return value.isoformat() if value else None


def _company(company: Company) -> dict:
    return {"id": company.pk, "name": company.name}


def agreement_data(agreement: Agreement, *, reason: str = "") -> dict:
    """An order's or change order's agreement version: the company, the version with its
    status, four totals, the days it is in effect and its lines with their terms, and the
    order or change order that made it."""
    data = {
        "company": _company(agreement.company),
        "agreement": agreement_json(agreement, lines=True),
    }
    # The reverse one-to-one accessors raise an AttributeError when there is none.
    if change := getattr(agreement, "change_order", None):
        data["change_order"] = {
            "id": change.pk,
            "kind": change.kind,
            "order_number": change.order_number,
            "replaces_version": change.prior.version,
            "effective_on": _moment(change.effective_on),
        }
    elif order := getattr(agreement, "order", None):
        data["order"] = {"id": order.pk, "order_number": order.order_number}
    if reason:
        data["reason"] = reason
    return data


def renewal_data(agreement: Agreement, replaced: Agreement | None = None) -> dict:
    """A renewal's version (``agreement.renewed``, with the version it replaced) or an ended
    customer's last version (``customer.ended``), and ``renewal``: the day, the products
    renewed and those ended. No order: the renewal run made it."""
    data = {
        "company": _company(agreement.company),
        "agreement": agreement_json(agreement, lines=True),
        "renewal": renewal_json(agreement, replaced),
    }
    if replaced is not None:
        data["replaces_version"] = replaced.version
    return data


def rfi_data(rfi) -> dict:
    """A Request for Information: which customer's, and when; the answers stay in the portal."""
    return {
        "company": _company(rfi.company),
        "rfi": {"id": rfi.pk, "status": rfi.status, "submitted_at": _moment(rfi.submitted_at)},
    }


def quote_data(quote) -> dict:
    """The end customer's answer to a quote at the MSP's prices (the MSP's own endpoint only)."""
    return {
        "company": _company(quote.company),
        "quote": {
            "id": quote.pk,
            "number": quote.number,
            "status": quote.status,
            "seats": quote.seats,
            "currency": quote.currency,
            "valid_until": quote.valid_until.isoformat(),
            "answered_at": _moment(quote.answered_at),
            "answered_by": {"name": quote.answered_name, "title": quote.answered_title},
            "comment": quote.comment,
            "change_quote": quote.change_id,
        },
    }
