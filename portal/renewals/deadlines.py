"""The renewal deadline: the last day a change for a term's renewal can be made or cancelled
(the product's ``renewal_deadline_days`` before the term ends). Dates only."""

import datetime

from portal.catalog.models import Product


def last_day(term_end: datetime.date, product: Product) -> datetime.date:
    """The last day changes for the renewal on ``term_end`` can be made or cancelled."""
    return term_end - datetime.timedelta(days=product.renewal_deadline_days)


def open_until(term_end: datetime.date | None, product: Product, today: datetime.date) -> bool:
    """Whether the renewal on ``term_end`` can still be changed ``today``."""
    return term_end is not None and today <= last_day(term_end, product)
