"""The customer page's Renewal section (Manage renewal): each product line in effect with its
term, auto-renew, the last day its renewal can be changed and the changes scheduled for it,
with the forms that schedule them; above them, per renewal day, what the agreement will be
(``renewals.overview``, from ``renewal_plan``).

A link from the change form (``?renewal=S1&seats=200#renewal``: a seat decrease it refuses
before the renewal) opens the section asking to confirm that change for the renewal.
"""

import datetime
from decimal import Decimal

from django import forms
from django.utils.text import slugify

from portal.catalog.models import Commitment
from portal.companies.models import Company
from portal.companies.seats import MAX_USERS
from portal.core.templatetags.money import money
from portal.core.text import Form
from portal.renewals.models import RenewalChange
from portal.renewals.overview import LineRenewal, PlanSummary, Renewal, renewal_of

from .in_time import PER

Kind = RenewalChange.Kind


class RenewalChangeForm(Form):
    """Fewer seats, Remove product or Change term for one line; the service checks the rest
    (the line, the deadline, the rules)."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    kind = forms.CharField(widget=forms.HiddenInput, max_length=10)
    seats = forms.IntegerField(
        label="Seats at renewal",
        required=False,
        min_value=1,
        max_value=MAX_USERS,
        error_messages={"min_value": "Enter at least 1 seat."},
    )
    commitment = forms.ChoiceField(
        label="Term at renewal", required=False, choices=[("", "Choose…"), *Commitment.choices]
    )

    def __init__(self, *args, code: str, kind: str, **kwargs):
        auto_id = f"renewal-{slugify(code)}-{slugify(kind)}-%s"
        super().__init__(*args, auto_id=auto_id, initial={"code": code, "kind": kind}, **kwargs)


class AutoRenewForm(Form):
    """Turn auto-renew off or on: the line and which, both hidden inputs of the button."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    on = forms.ChoiceField(choices=[("on", "On"), ("off", "Off")], widget=forms.HiddenInput)


def posted_form(data) -> RenewalChangeForm:
    """The change form as posted, ids as the line's form of its kind has them."""
    code, kind = str(data.get("code", ""))[:20], str(data.get("kind", ""))[:10]
    return RenewalChangeForm(data, code=code, kind=kind)


def _per(term: str) -> str:
    return PER.get(term, "")


def summary_rows(plan) -> list[dict]:
    """The plan's lines as the summary's table shows them: now and at renewal."""
    rows = []
    for line in plan.lines:
        was = line.was
        rows.append(
            {
                "line": line,
                "seats_changed": line.quantity != was.quantity,
                "term": Commitment(line.commitment).label if line.commitment else "One-time charge",
                "term_changed": line.commitment != was.commitment,
                "was_term": Commitment(was.commitment).label if was.commitment else "",
                "per": _per(was.term),
            }
        )
    return rows


def ending_rows(plan) -> list[dict]:
    removed = {change.code for change in plan.removed}
    return [
        {
            "line": line,
            "why": "removed at renewal" if line.code in removed else "auto-renew is off",
        }
        for line in plan.ending
    ]


def difference(after: Decimal, now: Decimal, currency: str) -> str:
    """A total at renewal against today's, in words."""
    if after == now:
        return "the same as today"
    words = "more" if after > now else "less"
    return f"{money(abs(after - now), currency)} {words} than today ({money(now, currency)})"


def _plan_item(summary: PlanSummary, currency: str) -> dict:
    plan = summary.plan
    return {
        "summary": summary,
        "rows": summary_rows(plan) if plan else [],
        "ending": ending_rows(plan) if plan else [],
        "monthly_difference": difference(summary.monthly, summary.monthly_now, currency),
        "annual_difference": difference(summary.annual, summary.annual_now, currency),
    }


def _countdown(row: LineRenewal) -> str:
    if row.days_left is None or row.days_left < 0:
        return ""
    if row.days_left == 0:
        return "today is the last day"
    return f"{row.days_left} day{'' if row.days_left == 1 else 's'} left"


def _line_item(row: LineRenewal, bound: dict, initial_seats: int | None) -> dict:
    code = row.code
    forms_ = {kind: RenewalChangeForm(code=code, kind=kind) for kind in (Kind.SEATS, Kind.TERM)}
    forms_[Kind.SEATS].fields["seats"].widget.attrs.update(
        {"max": max(row.line.quantity - 1, 1), "inputmode": "numeric"}
    )
    if initial_seats is not None:
        forms_[Kind.SEATS].initial["seats"] = initial_seats
    forms_[Kind.TERM].fields["commitment"].choices = [
        ("", "Choose…"),
        *((term.value, term.label) for term in row.other_terms),
    ]
    errors = []
    form = bound.get("form")
    if bound.get("code") == code:
        errors = list(bound.get("errors", []))
        if form is not None and form.data.get("kind") in forms_:
            form.fields["seats"].widget.attrs.update(
                forms_[Kind.SEATS].fields["seats"].widget.attrs
            )
            form.fields["commitment"].choices = forms_[Kind.TERM].fields["commitment"].choices
            forms_[form.data["kind"]] = form
    return {
        "row": row,
        "seats_form": forms_[Kind.SEATS],
        "term_form": forms_[Kind.TERM],
        "errors": errors,
        "countdown": _countdown(row),
    }


def _confirm(request, renewal: Renewal) -> dict | None:
    """What the change form's Schedule for renewal link asks to confirm: ``?renewal=<code>&
    seats=<n>``; nothing for a code the customer does not have or seats that are no number."""
    code, seats = request.GET.get("renewal", ""), request.GET.get("seats", "")
    row = next((r for r in renewal.renewing if r.code == code), None)
    if row is None or not seats.isdigit() or not 0 < int(seats) <= MAX_USERS:
        return None
    seats = int(seats)
    if any(c.kind == Kind.SEATS and c.seats == seats for c in row.changes):
        return None  # scheduled already
    return {"row": row, "seats": seats}


def renewal_section(
    request, company: Company, today: datetime.date, bound: dict | None = None
) -> dict | None:
    """The Renewal section's context; None for a company with nothing in effect.

    ``bound``: after a refused POST, the line it was for (``code``), its messages of no one
    field (``errors``) and the form as posted (``form``), shown in that line's place."""
    if company.status == Company.Status.PROSPECT:
        return None
    # The page has read every version with its lines already (selectors.company_for).
    renewal = renewal_of(company, today, list(company.agreements.all()))
    if renewal is None:
        return None
    bound = bound or {}
    confirm = None if bound else _confirm(request, renewal)
    items = [
        _line_item(
            row,
            bound,
            confirm["seats"] if confirm and confirm["row"].code == row.code else None,
        )
        for row in renewal.lines
    ]
    return {
        "renewal": renewal,
        "items": items,
        "plans": [_plan_item(summary, renewal.currency) for summary in renewal.plans],
        "confirm": confirm,
        "notice": bound.get("notice", ""),
    }
