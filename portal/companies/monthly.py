"""Each month's recurring fees, kept up to date: what the dashboards read.

A customer's monthly recurring fees on a day are the payments of the monthly-term lines of its
agreement version in effect that day: one that is, was or will be in effect (Active, Scheduled,
Superseded, Ended); a pending order is not until the vendor confirms it, and a cancelled or
rejected one never was. The dashboards read them on each month's first day.

``figures_refresh`` works a customer's figures out from its versions, day by day as they
change (``CustomerDay``), compares them with the ones its partner's figures last counted, and
adds only the difference to those: the movements of the fees into each month's first day
(``PartnerMonth``) and the lines in effect from each day (``PartnerLineDay``). Every service
that makes or moves a version calls it in the same transaction, so the partner's figures are
never out of step; it is idempotent, so a second call changes nothing. Amounts are whole cents,
so that both databases add them exactly.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps as django_apps
from django.db import connection, transaction

from portal.core import events

from .billing import add_months

IN_TIME = ["active", "scheduled", "superseded", "ended"]
KINDS = ("new", "expansion", "contraction", "lost")
PLACES = Decimal("0.0001")  # AgreementLine.unit_price's
BATCH = 2_000


def line_key(term: str, charge: str, code: str, unit_price: Decimal) -> str:
    """The key of a line in ``CustomerDay.lines`` (the code last: it may hold anything)."""
    return f"{term}|{charge}|{Decimal(unit_price).quantize(PLACES)}|{code}"


def line_key_parts(key: str) -> tuple[str, str, str, Decimal]:
    """(term, charge, code, unit price) of a key."""
    term, charge, price, code = key.split("|", 3)
    return term, charge, code, Decimal(price)


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


@dataclass
class Figures:
    """A customer's figures from a day on: the monthly recurring fees in cents, and every line
    by key: [seats or units, lines]."""

    fees: int = 0
    lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: "Figures") -> None:
        self.fees += other.fees
        for key, (quantity, count) in other.lines.items():
            was = self.lines.setdefault(key, [0, 0])
            was[0] += quantity
            was[1] += count


def month_of(day: datetime.date) -> datetime.date:
    """The first month's first day on or after ``day``: where a change on ``day`` shows."""
    return day if day.day == 1 else add_months(day.replace(day=1), 1)


def by_day(versions: Iterable[tuple[datetime.date, datetime.date | None, Figures]]):
    """A customer's figures from each day they change on, from its versions in time
    ([effective_from, effective_until), their figures)."""
    versions = list(versions)
    days = sorted({day for start, until, _ in versions for day in (start, until) if day})
    found: dict[datetime.date, Figures] = {}
    before = Figures()
    for day in days:
        now = Figures()
        for start, until, figures in versions:
            if start <= day and (until is None or day < until):
                now.add(figures)
        if now != before:
            found[day] = now
            before = now
    return found


def fees_by_month(days: dict[datetime.date, Figures]) -> dict[datetime.date, int]:
    """The fees on the first day of each month they differ from the month before's on."""
    found: dict[datetime.date, int] = {}
    before, steps = 0, sorted(days)
    for month in sorted({month_of(day) for day in steps}):
        now = 0
        for day in steps:
            if day > month:
                break
            now = days[day].fees
        if now != before:
            found[month] = now
            before = now
    return found


def _changes(days: dict[datetime.date, Figures], sign: int, totals, line_totals) -> None:
    """Add (sign 1) or take away (-1) what a customer's figures make of its partner's: the
    fees' movement into each month, by kind, and the change of its lines on each day."""
    before = 0
    for month, fees in sorted(fees_by_month(days).items()):
        net = fees - before
        if not before:
            kind = "new"
        elif not fees:
            kind = "lost"
        else:
            kind = "expansion" if net > 0 else "contraction"
        row = totals[month]
        row["net"] += sign * net
        row[kind] += sign * net
        row[f"{kind}_customers"] += sign
        before = fees
    was = Figures()
    for day in sorted(days):
        now = days[day]
        for key in set(now.lines) | set(was.lines):
            quantity, count = now.lines.get(key, [0, 0])
            was_quantity, was_count = was.lines.get(key, [0, 0])
            if (quantity, count) != (was_quantity, was_count):
                line = line_totals[(day, key)]
                line[0] += sign * (quantity - was_quantity)
                line[1] += sign * (count - was_count)
        was = now


def _models(apps=None) -> SimpleNamespace:
    """The models, from a migration's ``apps`` or the project's."""
    get = (apps or django_apps).get_model
    return SimpleNamespace(
        **{
            name: get("companies", name)
            for name in (
                "Company",
                "Agreement",
                "AgreementLine",
                "CustomerDay",
                "PartnerMonth",
                "PartnerLineDay",
            )
        }
    )


def figures_refresh(company_ids: Iterable[int], *, locked: bool = False, apps=None) -> None:
    """Bring the partners' figures in step with these customers' versions, in the caller's
    transaction: a few queries for the lot, whatever their number. ``locked``: the caller
    holds the customers' rows locked already (the scheduled jobs' batches)."""
    ids = sorted(set(company_ids))
    m = _models(apps)
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), BATCH):
            _refresh(m, ids[start : start + BATCH], locked)
        if apps is None and ids:  # not in a migration: the seat reconciliation follows
            events.publish(events.Happened(events.VERSIONS_MOVED, partner=None, items=tuple(ids)))


def _refresh(m, ids: list[int], locked: bool) -> None:
    # Locked, so that two transactions never count one customer's difference twice.
    companies = m.Company.objects.filter(pk__in=ids).order_by("pk")
    if not locked:
        companies = companies.select_for_update()
    partners = dict(companies.values_list("pk", "partner_id"))
    versions: dict[int, tuple[int, datetime.date, datetime.date | None, Figures]] = {}
    for pk, company_id, start, until in (
        m.Agreement.objects.filter(company_id__in=ids, status__in=IN_TIME)
        .order_by()
        .values_list("pk", "company_id", "effective_from", "effective_until")
    ):
        versions[pk] = (company_id, start, until, Figures())
    for agreement_id, term, charge, code, unit_price, quantity, payment in (
        m.AgreementLine.objects.filter(agreement_id__in=versions)
        .order_by()
        .values_list("agreement_id", "term", "charge", "code", "unit_price", "quantity", "payment")
    ):
        fees = cents(payment) if term == "monthly" else 0
        key = line_key(term, charge, code, unit_price)
        versions[agreement_id][3].add(Figures(fees, {key: [quantity, 1]}))
    own: dict[int, list] = defaultdict(list)
    for company_id, start, until, figures in versions.values():
        own[company_id].append((start, until, figures))
    counted: dict[int, dict[datetime.date, Figures]] = defaultdict(dict)
    for company_id, day, fees, lines in m.CustomerDay.objects.filter(
        company_id__in=ids
    ).values_list("company_id", "day", "fees", "lines"):
        counted[company_id][day] = Figures(fees, {k: list(v) for k, v in lines.items()})
    totals: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    line_totals: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    changed, rows = [], []
    for company_id in ids:
        days = by_day(own.get(company_id, []))
        if days == counted.get(company_id, {}):
            continue
        partner = partners[company_id]
        _changes(counted.get(company_id, {}), -1, totals[partner], line_totals[partner])
        _changes(days, 1, totals[partner], line_totals[partner])
        changed.append(company_id)
        rows += [
            m.CustomerDay(company_id=company_id, day=day, fees=f.fees, lines=f.lines)
            for day, f in days.items()
        ]
    if not changed:
        return
    m.CustomerDay.objects.filter(company_id__in=changed).delete()
    m.CustomerDay.objects.bulk_create(rows, batch_size=1_000)
    _add(
        m.PartnerMonth._meta.db_table,
        ["partner_id", "month"],
        ["net", *KINDS, *(f"{kind}_customers" for kind in KINDS)],
        [
            (partner, month, row["net"], *(row[k] for k in KINDS))
            + tuple(row[f"{k}_customers"] for k in KINDS)
            for partner, months in totals.items()
            for month, row in months.items()
            if any(row.values())
        ],
    )
    _add(
        m.PartnerLineDay._meta.db_table,
        ["partner_id", "day", "term", "charge", "code", "unit_price"],
        ["quantity", "lines"],
        [
            (partner, day, *line_key_parts(key), quantity, count)
            for partner, lines in line_totals.items()
            for (day, key), (quantity, count) in lines.items()
            if quantity or count
        ],
    )


def _add(table: str, keys: list[str], amounts: list[str], rows: list[tuple]) -> None:
    """Add ``rows`` to the table's rows of the same keys (made when missing), by
    ``INSERT … ON CONFLICT DO UPDATE``: one statement, safe when two transactions add to one
    row at once (SQLite and PostgreSQL both have it)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in keys + amounts)
    sums = ", ".join(
        f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in amounts
    )
    marks = "(" + ", ".join(["%s"] * (len(keys) + len(amounts))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({columns}) VALUES {', '.join([marks] * len(chunk))} "
                f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {sums}",
                [value for row in chunk for value in row],
            )


def figures_rebuild(*, apps=None) -> None:
    """Count every customer's figures afresh (a migration's, the demo's and the benchmark's
    data were written without the services)."""
    m = _models(apps)
    with transaction.atomic(savepoint=False):
        _rebuild(m, apps)


def _rebuild(m, apps) -> None:
    m.CustomerDay.objects.all().delete()
    m.PartnerMonth.objects.all().delete()
    m.PartnerLineDay.objects.all().delete()
    ids = m.Agreement.objects.filter(status__in=IN_TIME).values_list("company_id", flat=True)
    figures_refresh(ids.distinct().order_by(), apps=apps)
