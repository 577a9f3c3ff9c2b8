"""The change addendum: the PDF record of a submitted change order.

E-mailed to the submitting user and stored in the customer's Attachments, it states the new
products and fees next to what the agreement in effect had, and an overview of the previous
products and license counts. It extends the order addendum's template and renders the same
way, so acceptance, order number and layout read alike in both documents.
"""

from portal.catalog.templatetags.catalog import term_label
from portal.companies.agreements import agreement_lines, agreement_totals
from portal.orders.addendum import (
    NotSubmitted,
    addendum_file_name,
    addendum_render,
    submission_context,
)

from .models import ChangeOrder

TEMPLATE = "changes/addendum.html"


def change_addendum_context(change: ChangeOrder) -> dict:
    if change.status != ChangeOrder.Status.SUBMITTED or change.agreement_id is None:
        raise NotSubmitted(f"{change} is not submitted; it has no addendum yet.")
    prior = change.prior
    rows = list(change.lines.all())
    prorated = [row for row in rows if row.prorated_charge is not None]
    totals = agreement_totals(change.agreement)
    return {
        **submission_context(change),
        "title": "Change Order Addendum",
        "change": change,
        # The kind, not the agreement's status: that moves on (Active, Superseded) once synced,
        # and the addendum must read the same whenever it is rendered.
        "kind_label": f"{change.get_kind_display()} Pending Order",
        "downsell": change.kind == ChangeOrder.Kind.DOWNSELL,
        "rows": [(row, term_label(row.term)) for row in rows],
        "terms": [row for row in rows if row.quantity and row.commitment],
        "prorated": prorated,
        "prior": prior,
        "prior_totals": agreement_totals(prior),
        "totals": totals,
        # The first invoice of the change: the new fees and what is prorated now.
        "initial": totals.initial.amount + sum(row.prorated_charge for row in prorated),
        "prior_lines": [(line, term_label(line.term)) for line in agreement_lines(prior)],
    }


def change_addendum_pdf(change: ChangeOrder) -> bytes:
    """The addendum of a submitted change order as PDF bytes (A4)."""
    return addendum_render(TEMPLATE, change_addendum_context(change))


def change_addendum_filename(change: ChangeOrder) -> str:
    """``Change addendum - <Company> - v<new version>.pdf``, safe as a file name anywhere."""
    if change.agreement_id is None:
        raise NotSubmitted(f"{change} is not submitted; its agreement version is not known yet.")
    return addendum_file_name("Change addendum", change.company, change.agreement.version)
