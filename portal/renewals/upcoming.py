"""Each customer's next renewal as the Renewals list, its export, the API and the home page show
it: the lines due and what they become, the value at the prices in force that day (and at
today's, when the prices change before then), the changes scheduled, the last day changes can
be made, and a countdown. What renews is always ``plan.renewal_plan``'s answer.

Bounded reads for any number of customers: the lines of their Active versions in one query,
their scheduled changes in one, and the price tables once per partner and price date
(``PriceTables``).
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from portal.accounts.models import Partner
from portal.catalog.models import ContractedPrice
from portal.catalog.selectors import price_rows_for, table_in_force
from portal.companies.models import Agreement, AgreementLine, Company
from portal.pricing import PriceTable

from .deadlines import last_day
from .models import RenewalChange
from .plan import NotRenewable, RenewalPlan, renewal_plan


def countdown(day: datetime.date, today: datetime.date) -> str:
    """ "today", "tomorrow", "in 12 days"; "3 days ago" for a day past."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


# What renewal_plan reads of a line.
LINE_FIELDS = [
    "id",
    "agreement_id",
    "product_id",
    "code",
    "name",
    "term",
    "charge",
    "quantity",
    "unit_price",
    "payment",
    "commitment",
    "billing",
    "term_start",
    "term_end",
    "auto_renew",
]


class PriceTables:
    """``price_table_for(partner, on=day)``, for any number of days, in one query per partner.

    The prices in force change only on the days a contracted price starts
    (``ContractedPrice.effective_from``): every day from one such date to the next has the same
    table. The partner's prices of every date are read once; each table is built from them
    once for all the days it covers, so that 50 customers renewing on 50 different days cost a
    table or two, not 50. Keep an instance for one request (or one export): prices may change
    between requests.
    """

    def __init__(self) -> None:
        self._rows: dict[int, list[ContractedPrice]] = {}
        self._dates: dict[int, list[datetime.date]] = {}
        self._tables: dict[tuple[int, datetime.date | None], PriceTable] = {}

    def on(self, partner, day: datetime.date) -> PriceTable:
        rows = self._rows.get(partner.pk)
        if rows is None:
            rows = self._rows[partner.pk] = price_rows_for(partner)
            self._dates[partner.pk] = sorted({row.effective_from for row in rows})
        dates = self._dates[partner.pk]
        place = bisect.bisect_right(dates, day)
        # Before the first price every day has the same (empty) table.
        key = (partner.pk, dates[place - 1] if place else None)
        if key not in self._tables:
            self._tables[key] = table_in_force(partner, rows, day)
        return self._tables[key]

    def same(self, partner, one: datetime.date, other: datetime.date) -> bool:
        """Whether the same prices are in force on both days."""
        return self.on(partner, one) is self.on(partner, other)


@dataclass(frozen=True)
class DueLine:
    """A product whose term ends at the renewal: its seats now and after (None: it ends)."""

    code: str
    name: str
    seats: int
    seats_after: int | None
    auto_renew: bool
    removed: bool = False

    @property
    def ends(self) -> bool:
        return self.seats_after is None


@dataclass(frozen=True)
class Renewal:
    company: Company
    renews_on: datetime.date
    today: datetime.date
    lines: tuple[DueLine, ...]
    changes: tuple[RenewalChange, ...]
    currency: str
    value: Decimal | None  # the renewing lines at the prices in force on renews_on
    value_today: Decimal | None  # the same at today's prices (None: no price today)
    last_day: datetime.date | None
    problem: str = ""  # why the renewal cannot be priced (no price in force that day)
    ends_everything: bool = False

    @property
    def countdown(self) -> str:
        return countdown(self.renews_on, self.today)

    @property
    def deadline_countdown(self) -> str:
        return countdown(self.last_day, self.today) if self.last_day else ""

    @property
    def open(self) -> bool:
        """Whether changes for it can still be made (the renewal deadline has not passed)."""
        return self.last_day is not None and self.today <= self.last_day

    @property
    def difference(self) -> Decimal | None:
        """The value at renewal less the same at today's prices, when the prices change."""
        if self.value is None or self.value_today is None or self.value == self.value_today:
            return None
        return self.value - self.value_today

    @property
    def seats(self) -> int:
        return sum(line.seats_after or 0 for line in self.lines)


def renewal_day(company: Company, *, monthly: bool) -> datetime.date | None:
    """The customer's next renewal the list shows: of any term, or of its commitments."""
    return company.renews_on if monthly else company.commitment_ends_on


def renewals_for(
    companies: Iterable[Company],
    *,
    monthly: bool,
    today: datetime.date,
    tables: PriceTables | None = None,
    partner: Partner | None = None,
) -> list[Renewal]:
    """The next renewal of each of ``companies`` (in their order; one without is left out);
    ``partner``, when they are all of the one the caller has already read."""
    companies = [c for c in companies if renewal_day(c, monthly=monthly)]
    if not companies:
        return []
    tables = tables or PriceTables()
    ids = [company.pk for company in companies]
    lines: dict[int, list[AgreementLine]] = defaultdict(list)
    # The lines with their company's id and the one field of their product the deadline needs:
    # no agreement instance and no whole product per line (building those for the page's 100
    # lines cost more than the query).
    for line in (
        AgreementLine.objects.filter(
            agreement__company_id__in=ids, agreement__status=Agreement.Status.ACTIVE
        )
        .annotate(company_id=F("agreement__company_id"))
        .select_related("product")
        .only(*LINE_FIELDS, "product__code", "product__renewal_deadline_days")
        .order_by("agreement_id", "id")
    ):
        lines[line.company_id].append(line)
    changes: dict[int, list[RenewalChange]] = defaultdict(list)
    for change in RenewalChange.objects.filter(
        company_id__in=ids, status=RenewalChange.Status.SCHEDULED
    ).order_by("renews_on", "code", "kind", "id"):
        changes[change.company_id].append(change)
    partners = {partner.pk: partner} if partner else _partners({c.partner_id for c in companies})
    return [
        _renewal(
            company,
            partners[company.partner_id],
            lines[company.pk],
            changes[company.pk],
            monthly,
            today,
            tables,
        )
        for company in companies
    ]


def _partners(ids: set[int]) -> dict[int, Partner]:
    return Partner.objects.in_bulk(ids)


def _renewal(company, partner, lines, changes, monthly, today, tables: PriceTables) -> Renewal:
    day = renewal_day(company, monthly=monthly)
    # Terms that end before this day renew on their own days first (monthly ones, when only
    # commitments are listed): they are not this renewal's.
    lines = [line for line in lines if line.term_end is None or line.term_end >= day]
    own = [change for change in changes if change.renews_on == day]
    due = [line for line in lines if line.term_end == day and line.commitment]
    deadline = min((last_day(day, line.product) for line in due), default=None)
    common = {
        "company": company,
        "renews_on": day,
        "today": today,
        "changes": tuple(own),
        "currency": partner.currency,
        "last_day": deadline,
    }
    try:
        plan = renewal_plan(lines=lines, changes=own, table=tables.on(partner, day), renews_on=day)
    except NotRenewable as error:
        seats = tuple(
            DueLine(ln.code, ln.name, ln.quantity, ln.quantity, ln.auto_renew) for ln in due
        )
        return Renewal(lines=seats, value=None, value_today=None, problem=str(error), **common)
    value_today = plan.value
    if not tables.same(partner, day, today):
        try:
            value_today = renewal_plan(
                lines=lines, changes=own, table=tables.on(partner, today), renews_on=day
            ).value
        except NotRenewable:
            value_today = None  # not sold today: nothing to compare with
    return Renewal(
        lines=_due_lines(plan),
        value=plan.value,
        value_today=value_today,
        ends_everything=plan.ends_everything,
        **common,
    )


def _due_lines(plan: RenewalPlan) -> tuple[DueLine, ...]:
    """The lines due that day, in the agreement's order: renewing (seats after any change) or
    ending (auto-renew off, or removed)."""
    removed = {change.code for change in plan.removed}
    found = [
        (line.was.pk, DueLine(line.code, line.name, line.was.quantity, line.quantity, True))
        for line in plan.renewing
    ]
    found += [
        (
            line.pk,
            DueLine(
                line.code,
                line.name,
                line.quantity,
                None,
                line.auto_renew,
                removed=line.code in removed,
            ),
        )
        for line in plan.ending
    ]
    return tuple(line for _, line in sorted(found, key=lambda pair: pair[0]))
