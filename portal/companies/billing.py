"""Billing dates: when a downsell takes effect and until when it can be cancelled.

Pure functions of dates, no ORM: the review page, the submit and the cancel all ask the same.
"""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def first_of_next_month(today: datetime.date) -> datetime.date:
    return add_months(today.replace(day=1), 1)


def downsell_dates(
    *, next_billing_date: datetime.date | None, notice_days: int, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """``(effective_on, cancel_by)`` of a downsell submitted ``today``.

    It takes effect at the next billing date and can be cancelled until that date minus the
    partner's notice days (inclusive). When that deadline has passed, it takes effect at the
    billing date after, with its own deadline. Without a billing date on record, billing is
    taken to start on the first of next month.
    """
    anchor = next_billing_date or first_of_next_month(today)
    months = 0
    effective_on = anchor
    # A loop, not one step: a billing date on record may be stale by more than a month, and
    # each step counts from the anchor so that the 31st stays the 31st where a month has one.
    while effective_on - datetime.timedelta(days=notice_days) < today:
        months += 1
        effective_on = add_months(anchor, months)
    return effective_on, effective_on - datetime.timedelta(days=notice_days)
