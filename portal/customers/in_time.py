"""The customer page's "Current products and seats": what the customer has in effect now and,
once the vendor has confirmed a change that takes effect later (a downsell at the next billing
date), what is scheduled from that date, side by side — both read from the versions' status and
effective dates, the same that Permitted Users, the lists, the API and the e-mails follow.

Before the vendor has provisioned a new customer's order nothing is in effect: the page shows
the order as ordered, and says so.
"""

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.template.defaultfilters import pluralize

from portal.catalog.models import Billing, Commitment
from portal.companies.agreements import agreement_totals
from portal.companies.models import Agreement, AgreementLine
from portal.companies.terms import current_term
from portal.companies.versions import change_of
from portal.core.templatetags.money import money
from portal.pricing import Totals

Status = Agreement.Status

# What a line's payment is for, after its amount: "USD 1,120.00 a month".
PER = {"monthly": "a month", "annual": "a year", "one_time": "once"}


@dataclass(frozen=True)
class LineTerms:
    """One product line as the page shows it: its term, billing and when the term ends."""

    line: AgreementLine
    term: str
    billing: str
    term_ends: str  # "Renews on", "Ends on", "Ended on", or all that is said ("—")
    auto_renew: str
    per: str
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class Column:
    """One version of the customer's products: in effect now, scheduled, or ordered."""

    kind: str  # "in-effect", "scheduled" or "ordered": the column's id and its style
    title: str
    agreement: Agreement
    dates: str
    lines: list[LineTerms]
    totals: Totals
    # The scheduled column only: how it differs from the version in effect.
    seats_difference: int | None = None
    monthly_difference: Decimal | None = None
    difference: str = ""  # both, in words: "150 seats fewer than in effect now; …"
    change: object = None  # the change order behind it (a downsell's dates, Cancel downsell)
    cancel: dict | None = None


def _day(day: datetime.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def term_ends(line: AgreementLine, on: datetime.date) -> datetime.date | None:
    """The day the line's term ends (renews, or stops without auto-renew) as of ``on``: a term
    that renews by itself has moved on by whole terms since it started."""
    if not line.commitment or line.term_end is None:
        return None
    if line.auto_renew and line.term_start is not None:
        return current_term(line.term_start, line.term_end, line.commitment, on)[1]
    return line.term_end


def line_terms(line: AgreementLine, on: datetime.date) -> LineTerms:
    per = PER.get(line.term, "")
    if not line.commitment:  # a one-time charge has no term
        return LineTerms(line, "One-time charge", "—", "—", "—", per)
    end = term_ends(line, on)
    if end is None:
        ends = "Set when provisioned"
    elif line.auto_renew:
        ends = "Renews on"
    else:
        ends = "Ends on" if end > on else "Ended on"
    return LineTerms(
        line=line,
        term=Commitment(line.commitment).label,
        billing=Billing(line.billing).label if line.billing else "—",
        term_ends=ends,
        auto_renew="On" if line.auto_renew else "Off",
        per=per,
        ends_on=end,
    )


def _column(kind: str, title: str, agreement: Agreement, dates: str, on, **more) -> Column:
    lines = list(agreement.lines.all())
    return Column(
        kind=kind,
        title=title,
        agreement=agreement,
        dates=dates,
        lines=[line_terms(line, on) for line in lines],
        totals=agreement_totals(agreement),
        **more,
    )


def in_effect_dates(agreement: Agreement, scheduled: Agreement | None) -> str:
    text = f"Version {agreement.version}, in effect since {_day(agreement.effective_from)}"
    if agreement.effective_until:
        text += f", until {_day(agreement.effective_until)}"
        if scheduled is not None:
            text += f" when version {scheduled.version} takes effect"
    return text + "."


def scheduled_dates(agreement: Agreement) -> str:
    synced = f", confirmed by the vendor on {agreement.activated_at:%Y-%m-%d}"
    return (
        f"Version {agreement.version}{synced if agreement.activated_at else ''}; it takes "
        f"effect on {_day(agreement.effective_from)}."
    )


def current_products(
    agreements: list[Agreement], today: datetime.date, cancels: dict[int, dict]
) -> dict:
    """The columns of "Current products and seats" and what to say around them.

    ``agreements``: every version of the customer (with their change orders read);
    ``cancels``: Cancel downsell's state of each version that has one, by version number.
    Answers ``columns`` (none for a company that never had an agreement or whose order was
    rejected), ``scheduled`` (the version scheduled, if any), ``waiting`` (a change pending
    with the vendor, if any) and ``not_yet`` (True before the first sync: the columns show
    the order, nothing is in effect yet).
    """
    in_effect = next((a for a in agreements if a.status == Status.ACTIVE), None)
    scheduled = next((a for a in agreements if a.status == Status.SCHEDULED), None)
    waiting = next((a for a in agreements if a.status in Agreement.PENDING), None)
    columns = []
    if in_effect is not None:
        columns.append(
            _column(
                "in-effect",
                "In effect now",
                in_effect,
                in_effect_dates(in_effect, scheduled),
                today,
            )
        )
    elif waiting is not None and waiting.status == Status.NEW_ORDER_PENDING:
        columns.append(
            _column(
                "ordered",
                "Ordered, not in effect yet",
                waiting,
                f"Version {waiting.version}, {waiting.get_status_display()}: it takes effect "
                "when the vendor has provisioned it.",
                today,
            )
        )
    if scheduled is not None:
        first = columns[0] if columns else None
        column = _column(
            "scheduled",
            f"Scheduled from {_day(scheduled.effective_from)}",
            scheduled,
            scheduled_dates(scheduled),
            max(today, scheduled.effective_from),
            change=change_of(scheduled),
            cancel=cancels.get(scheduled.version),
        )
        if first is not None:
            column = _with_difference(column, first)
        columns.append(column)
    return {
        "columns": columns,
        "scheduled": scheduled,
        "waiting": waiting if waiting is not None and in_effect is not None else None,
        "waiting_change": change_of(waiting) if waiting is not None else None,
        "not_yet": in_effect is None and bool(columns),
    }


def _with_difference(column: Column, now: Column) -> Column:
    seats = column.agreement.total_users - now.agreement.total_users
    monthly = column.totals.monthly.amount - now.totals.monthly.amount
    if seats:
        text = f"{abs(seats):,} seat{pluralize(abs(seats))} {'fewer' if seats < 0 else 'more'}"
    else:
        text = "The same seats"
    text += " than in effect now"
    if monthly:
        amount = money(abs(monthly), column.agreement.currency)
        text += f"; Total Monthly Fees {amount} {'lower' if monthly < 0 else 'higher'}"
    return replace(column, seats_difference=seats, monthly_difference=monthly, difference=text)
