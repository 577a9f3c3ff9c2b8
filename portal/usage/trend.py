"""A customer's usage in time: per per-seat product, the seats in use each day (the vendor's
figures) beside the seats licensed that day (the agreement versions in effect).

Licensed is read from the versions themselves, as the simulated vendor reads them
(``sync.simulator.usage_on``): the lines of the versions that are, were or will be in effect
(``monthly.IN_TIME``) over the days of each one's [effective_from, effective_until). A pending
order licenses nothing until the vendor confirms it. Two queries for a customer however many
days and products; one when the caller has read the versions with their lines already (the
customer page has).
"""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from portal.companies.models import Agreement, Company
from portal.companies.monthly import IN_TIME
from portal.pricing import Charge

from .models import UsageFigure

DAYS = 90  # the trend's length, ending yesterday: the vendor reports a day once it is over


def trend_days(today: datetime.date) -> list[datetime.date]:
    """The days a trend shows, oldest first: the ``DAYS`` days before ``today``."""
    return [today - datetime.timedelta(days=n) for n in range(DAYS, 0, -1)]


@dataclass
class ProductUsage:
    """One product's days: ``in_use[n]`` (None: not reported) and ``licensed[n]`` on
    ``days[n]``."""

    code: str
    name: str
    days: list[datetime.date]
    in_use: list[int | None]
    licensed: list[int]

    @property
    def latest(self) -> int | None:
        """The index of the last day reported, if any was."""
        reported = [n for n, in_use in enumerate(self.in_use) if in_use is not None]
        return reported[-1] if reported else None


def versions_with_lines(company: Company) -> list[Agreement]:
    """Every version of the company with its lines: nothing read when the caller's query has
    prefetched them (``selectors.company_for``), else two queries."""
    versions = list(company.agreements.all())
    prefetch_related_objects(versions, "lines")
    return versions


def usage_trend(
    company: Company, days: list[datetime.date], versions: list[Agreement] | None = None
) -> list[ProductUsage]:
    """Each per-seat product the customer had licensed or reported on ``days`` (consecutive,
    oldest first), by code. ``versions``: every version of the company with its lines."""
    first, last = days[0], days[-1]
    index = {day: n for n, day in enumerate(days)}
    found: dict[int, ProductUsage] = {}

    def product(pk: int, code: str, name: str) -> ProductUsage:
        if pk not in found:
            found[pk] = ProductUsage(code, name, days, [None] * len(days), [0] * len(days))
        return found[pk]

    if versions is None:
        versions = versions_with_lines(company)
    in_time = [
        version
        for version in versions
        if version.status in IN_TIME
        and version.effective_from <= last
        and (version.effective_until is None or version.effective_until > first)
    ]
    # The newest version's name of a product first.
    for version in sorted(in_time, key=lambda version: version.version, reverse=True):
        since, until = version.effective_from, version.effective_until
        start = index[since] if since > first else 0
        end = index[until] if until is not None and until <= last else len(days)
        for line in version.lines.all():
            if line.charge != Charge.PER_SEAT:
                continue
            licensed = product(line.product_id, line.code, line.name).licensed
            for n in range(start, end):
                licensed[n] += line.quantity
    figures = UsageFigure.objects.filter(
        company=company, day__gte=first, day__lte=last, product__charge=Charge.PER_SEAT
    ).values_list("product_id", "product__code", "product__name", "day", "in_use")
    for pk, code, name, day, in_use in figures:
        product(pk, code, name).in_use[index[day]] = in_use
    return sorted(found.values(), key=lambda usage: usage.code)
