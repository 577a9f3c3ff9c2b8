"""The billing period a product's first charge is prorated over: for a product billed monthly
the month between the customer's billing dates, for one billed annually the year of its term.

Dates only: the change rules ask here, the pricing engine prorates over what this gives.
"""

import datetime

from portal.companies.billing import add_months, first_of_next_month
from portal.pricing import Period, Term


def monthly_period(next_billing_date: datetime.date | None, today: datetime.date) -> Period:
    """The month between billing dates that holds ``today``. The billing date on record
    anchors it (each month counted from it, so that the 31st stays the 31st); it may be stale
    or some months ahead. Without one, billing is taken to start on the first of next month."""
    anchor = next_billing_date or first_of_next_month(today)
    months = 0
    while add_months(anchor, months) <= today:
        months += 1
    while add_months(anchor, months - 1) > today:
        months -= 1
    return Period(add_months(anchor, months - 1), add_months(anchor, months))


def annual_period(term_end: datetime.date | None, today: datetime.date) -> Period:
    """The year of the term that holds ``today``, counted back from the term's end (a 3-year
    term is billed a year at a time). A line with no term yet starts one today."""
    if term_end is None:
        return Period(today, add_months(today, 12))
    years = 0
    while add_months(term_end, 12 * years) <= today:  # a term that has ended runs on
        years += 1
    while add_months(term_end, 12 * (years - 1)) > today:
        years -= 1
    return Period(add_months(term_end, 12 * (years - 1)), add_months(term_end, 12 * years))


def billing_period(
    price_term: str,
    *,
    next_billing_date: datetime.date | None,
    term_end: datetime.date | None,
    today: datetime.date,
) -> Period:
    if Term(price_term) is Term.ANNUAL:
        return annual_period(term_end, today)
    return monthly_period(next_billing_date, today)
