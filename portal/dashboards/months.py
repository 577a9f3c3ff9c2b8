"""The days a dashboard reads the agreements on: the first day of each month.

A month's recurring fees are those of the versions in effect on its first day, so that a month
has one figure whatever day the page is opened.
"""

import datetime
from dataclasses import dataclass

from portal.companies.billing import add_months

PAST = 12  # months shown, this one included
AHEAD = 3  # months forecast from the changes already known


@dataclass(frozen=True)
class Window:
    """``days``: the first day of the month before the first shown (the movements of the first
    month are counted from it), of the 12 months up to this one, then of the 3 ahead."""

    days: tuple[datetime.date, ...]

    @classmethod
    def of(cls, today: datetime.date) -> "Window":
        this_month = today.replace(day=1)
        return cls(tuple(add_months(this_month, n) for n in range(-PAST, AHEAD + 1)))

    @property
    def shown(self) -> tuple[datetime.date, ...]:
        """The months of the chart: the 12 up to this one, then the 3 ahead."""
        return self.days[1:]

    @property
    def past(self) -> tuple[datetime.date, ...]:
        return self.days[1 : PAST + 1]

    @property
    def ahead(self) -> tuple[datetime.date, ...]:
        return self.days[PAST + 1 :]

    @property
    def this_month(self) -> datetime.date:
        return self.days[PAST]


def label(day: datetime.date) -> str:
    return day.strftime("%b %Y")
