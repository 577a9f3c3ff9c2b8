"""Commitment terms of agreement lines: which term a new line gets, when its term ends, and
when its seats may go down (the vendor's policy per product).

Dates only, no ORM writes: the order and change services and the confirm ask these.
"""

import datetime
from dataclasses import dataclass

from portal.catalog.models import Billing, Commitment, FewerSeats, Product

from .billing import add_months


@dataclass(frozen=True)
class LineTerm:
    """The term a line is ordered on; its dates are set when it is provisioned, unless it
    carries on (a product kept) or is co-termed (``term_end`` given: the term it joins)."""

    commitment: str
    auto_renew: bool = True
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None


def billing_of(price_term: str) -> str:
    """A product priced per year is billed annually, per month monthly; a one-time charge is
    not billed again."""
    return {"monthly": Billing.MONTHLY, "annual": Billing.ANNUAL}.get(price_term, "")


def default_term(product: Product) -> str:
    """A product priced per year runs on a 1-year commitment where offered; else the first
    term offered."""
    if product.term == "one_time":
        return ""
    offered = [term.value for term in product.terms()] or [Commitment.MONTHLY.value]
    if product.term == "annual" and Commitment.ONE_YEAR.value in offered:
        return Commitment.ONE_YEAR.value
    return offered[0]


def term_end_of(start: datetime.date, commitment: str) -> datetime.date:
    """The day a term that starts on ``start`` renews: a month, one or three years on."""
    return add_months(start, Commitment(commitment).months)


def current_term(
    start: datetime.date, end: datetime.date, commitment: str, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The term running ``today`` of a line that renews automatically: moved on by whole terms
    (each counted from the first end, so that the 31st stays the 31st) until it ends after
    today."""
    months = Commitment(commitment).months
    steps = 0
    current = (start, end)
    while current[1] <= today:
        steps += 1
        current = (add_months(end, months * (steps - 1)), add_months(end, months * steps))
    return current


def fewer_seats_refusal(
    *,
    product: Product,
    commitment: str,
    term_end: datetime.date | None,
) -> str:
    """Why this line's seats cannot go down before its renewal, or "" if they may go down at
    the next billing date (a monthly term; a commitment whose policy allows it)."""
    if commitment in ("", Commitment.MONTHLY) or product.fewer_seats == FewerSeats.AT_BILLING_DATE:
        return ""
    when = f" on {term_end:%Y-%m-%d}" if term_end else ""
    return (
        f"Seats of {product.code} on a {Commitment(commitment).label} can go down only at "
        f"renewal{when}."
    )
