"""What lies ahead and around the recurring fees: the renewal changes already scheduled, seats
by product, the prospects' pipeline and the renewals due soon. Reads of one partner's rows."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F

from portal.catalog.models import Commitment, Product
from portal.catalog.selectors import price_table_for
from portal.companies.billing import add_months
from portal.companies.models import Agreement, AgreementLine, Company, CompanyProduct
from portal.orders.quote import order_quantities
from portal.pricing.lines import price_payment
from portal.pricing.table import Term
from portal.renewals.models import RenewalChange
from portal.renewals.plan import NotRenewable, renewal_plan
from portal.renewals.upcoming import PriceTables, Renewal, renewals_for

from .fees import ZERO, Lines

PIPELINE_MONTHS = 6
RENEWAL_DAYS = 90
LARGEST = 10


class EndingLine(NamedTuple):
    company_id: int
    term_end: datetime.date
    term: str
    payment: Decimal
    commitment: str
    auto_renew: bool


def lines_ending(partner, today: datetime.date, until: datetime.date) -> list[EndingLine]:
    """The lines in effect whose term ends from ``today`` on and before ``until``, with a term
    (the renewals' charts read these): one query, of the customers whose next renewal comes
    by then (an index), whatever their number."""
    renewing = Company.objects.filter(partner=partner, renews_on__lt=until).values("pk")
    rows = (
        AgreementLine.objects.filter(
            agreement__company__in=renewing,
            agreement__status=Agreement.Status.ACTIVE,
            term_end__gte=today,
            term_end__lt=until,
        )
        .exclude(commitment="")
        .values_list(
            "agreement__company_id", "term_end", "term", "payment", "commitment", "auto_renew"
        )
        .order_by()
    )
    return [EndingLine._make(row) for row in rows]


def renewal_changes(
    partner,
    days: Sequence[datetime.date],
    today: datetime.date,
    ending_lines: list[EndingLine],
    tables: PriceTables,
) -> list[Decimal]:
    """What the renewals due before each of ``days`` change in the monthly fees: lines that
    end (auto-renew off, or removed) and seat or term changes scheduled for the renewal, priced
    at the prices in force that day (``renewal_plan``). A renewal that changes nothing but
    the dates is a new term, not a new figure, and is not read. ``ending_lines``:
    ``lines_ending`` up to ``days[-1]`` at least; ``tables``: the partner's prices in time,
    shared with ``renewals_due``."""
    last = days[-1]
    ending = {
        line.company_id
        for line in ending_lines
        if not line.auto_renew and today < line.term_end < last
    }
    changes: dict[int, list[RenewalChange]] = defaultdict(list)
    for change in RenewalChange.objects.filter(
        company__partner=partner,
        status=RenewalChange.Status.SCHEDULED,
        renews_on__gt=today,
        renews_on__lt=last,
    ):
        changes[change.company_id].append(change)
    companies = set(ending) | set(changes)
    shifts = [ZERO] * len(days)
    if not companies:
        return shifts
    lines: dict[int, list[AgreementLine]] = defaultdict(list)
    for line in (
        AgreementLine.objects.filter(
            agreement__company_id__in=companies, agreement__status=Agreement.Status.ACTIVE
        )
        .annotate(owner=F("agreement__company_id"))
        .order_by()
    ):
        lines[line.owner].append(line)
    for company_id, own in lines.items():
        renewals = sorted(
            {line.term_end for line in own if line.term_end and today < line.term_end < last}
        )
        for renews_on in renewals:
            try:
                plan = renewal_plan(
                    lines=own,
                    changes=changes[company_id],
                    table=tables.on(partner, renews_on),
                    renews_on=renews_on,
                )
            except NotRenewable:
                continue  # no price that day: the Renewals list says so
            if not plan.ending and not plan.changed:
                continue
            before = sum((ln.payment for ln in own if ln.term == "monthly"), ZERO)
            shift = plan.monthly_fees - before
            for n, day in enumerate(days):
                if day >= renews_on:
                    shifts[n] += shift
            break  # a later renewal starts from what this one leaves: not read ahead
    return shifts


@dataclass(frozen=True)
class ProductSeats:
    code: str
    name: str
    seats: int


def seats_by_product(lines: Lines) -> list[ProductSeats]:
    """The seats of the per-seat lines in ``lines`` (a partner's in effect on a day), per
    product, in catalog order."""
    found: dict[str, int] = {}
    for (_, charge, code, _), (quantity, count) in lines.items():
        if charge == "per_seat" and count:
            found[code] = found.get(code, 0) + quantity
    products = Product.objects.filter(code__in=found).order_by("position", "code")
    return [ProductSeats(p.code, p.name, found[p.code]) for p in products]


@dataclass
class PipelineMonth:
    label: str
    prospects: int = 0
    monthly: Decimal = ZERO
    annual: Decimal = ZERO
    unpriced: int = 0  # prospects whose products cannot be priced yet


def pipeline(partner, today: datetime.date) -> tuple[list[PipelineMonth], int]:
    """The prospects by the month they are expected to be provisioned (those past it first,
    then this month and the next ones, then later), each at its products' contracted prices
    today; and how many have no expected date."""
    this_month = today.replace(day=1)
    months = [add_months(this_month, n) for n in range(PIPELINE_MONTHS)]
    buckets = [PipelineMonth("Overdue")]
    buckets += [PipelineMonth(day.strftime("%b %Y")) for day in months]
    buckets.append(PipelineMonth("Later"))
    prospects = Company.objects.filter(partner=partner, status=Company.Status.PROSPECT)
    dated, undated = {}, 0
    for pk, day, users in prospects.values_list(
        "pk", "expected_provision_date", "permitted_users"
    ).order_by():
        if day is None:
            undated += 1
        else:
            dated[pk] = (day, users)
    wants: dict[int, dict[Product, int | None]] = defaultdict(dict)
    products = {p.pk: p for p in Product.objects.all()}
    for company_id, product_id, seats in (
        CompanyProduct.objects.filter(
            company__partner=partner,
            company__status=Company.Status.PROSPECT,
            company__expected_provision_date__isnull=False,
        )
        .values_list("company_id", "product_id", "seats")
        .order_by()
    ):
        wants[company_id][products[product_id]] = seats
    table = price_table_for(partner=partner, on=today)
    lines: dict[tuple[str, int], tuple[str, Decimal] | None] = {}
    for company_id, (day, users) in dated.items():
        bucket = buckets[_place(day, this_month, months)]
        bucket.prospects += 1
        value = _value(table, _quantities(wants.get(company_id, {}), users), lines)
        if value is None:
            bucket.unpriced += 1
        else:
            bucket.monthly += value[0]
            bucket.annual += value[1]
    return buckets, undated


def _value(table, quantities: dict[str, int] | None, lines: dict) -> tuple | None:
    """An order's monthly and annual fees (``price_order``'s totals: the sum of its lines,
    each priced once per code and quantity in ``lines``); None when it cannot be priced."""
    if not quantities:
        return None
    monthly = annual = ZERO
    for code, quantity in quantities.items():
        if not quantity:
            continue
        if (code, quantity) not in lines:
            try:
                lines[(code, quantity)] = price_payment(table, code, quantity)
            except (ValueError, TypeError):
                lines[(code, quantity)] = None
        found = lines[(code, quantity)]
        if found is None:
            return None
        if found[0] == Term.MONTHLY:
            monthly += found[1]
        elif found[0] == Term.ANNUAL:
            annual += found[1]
    return monthly, annual


def _place(day: datetime.date, this_month: datetime.date, months: list) -> int:
    if day < this_month:
        return 0
    index = (day.year - this_month.year) * 12 + day.month - this_month.month
    return index + 1 if index < len(months) else len(months) + 1


def _quantities(products: dict, users: int | None) -> dict[str, int] | None:
    if not products or not users or any(p.needs_own_seats and not s for p, s in products.items()):
        return None
    return order_quantities(products, users)


@dataclass
class RenewalMonth:
    label: str
    customers: int = 0
    monthly: Decimal = ZERO
    annual: Decimal = ZERO


def renewals_due(
    partner, today: datetime.date, ending_lines: list[EndingLine], tables: PriceTables
) -> tuple[list[RenewalMonth], list[Renewal]]:
    """The commitments (1 or 3 years) ending in the next 90 days: their fees per month of the
    term end, and the largest renewals by value (``renewals_for``, at the prices then).
    ``ending_lines``: ``lines_ending`` for 90 days at least."""
    until = today + datetime.timedelta(days=RENEWAL_DAYS)
    months = {}
    day = today.replace(day=1)
    while day <= until:
        months[day] = RenewalMonth(day.strftime("%b %Y"))
        day = add_months(day, 1)
    customers: dict[datetime.date, set[int]] = defaultdict(set)
    by_company: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for company_id, term_end, term, payment, commitment, _ in ending_lines:
        if term_end > until or commitment == Commitment.MONTHLY:
            continue
        first = term_end.replace(day=1)
        month = months[first]
        customers[first].add(company_id)
        if term == "monthly":
            month.monthly += payment
            by_company[company_id] += payment
        elif term == "annual":
            month.annual += payment
            by_company[company_id] += payment / 12
    for start, month in months.items():
        month.customers = len(customers[start])
    largest = sorted(by_company, key=lambda pk: (-by_company[pk], pk))[:LARGEST]
    companies = Company.objects.in_bulk(largest)
    renewals = renewals_for(
        [companies[pk] for pk in largest],
        monthly=False,
        today=today,
        tables=tables,
        partner=partner,
    )
    renewals.sort(key=lambda r: (-(r.value or ZERO), r.company.name))
    return list(months.values()), renewals
