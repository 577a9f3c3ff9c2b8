"""A usage report as it arrives from the vendor: signed, checked whole, stored once.

Body: ``{"report_id": "<uuid>", "reported_at": "2026-12-01T06:00:00Z", "partner_id": 1,
"figures": [{"customer_id": 42, "product": "S1", "day": "2026-11-30", "in_use": 690}, …]}``,
signed like the callbacks (``portal.core.signing``). One partner's customers a report, at most
``MAX_FIGURES`` figures. A report is taken whole or not at all: a figure that cannot be read or
is not this partner's refuses the report, with each such figure's index and field, and nothing
is stored. A ``report_id`` already taken is answered ``repeated`` and changes nothing; of two
figures for one customer, product and day, the one of the later ``reported_at`` stays, whatever
order the reports arrive in.
"""

import datetime
import json
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_datetime

from portal.catalog.models import Product
from portal.companies.models import Company
from portal.core.bulk import BIGINT, in_list, int_array
from portal.core.signing import BadSignature, verify

from .models import UsageFigure, UsageReport, UsageReportDue

MAX_FIGURES = 10_000
MAX_IN_USE = 10_000_000
MAX_PROBLEMS = 50  # listed in an answer; the count says how many there were
FIRST_DAY = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Answer:
    http_status: int
    body: dict


def receive(*, body: bytes, headers, secret: str, source: str = UsageReport.Source.VENDOR):
    """Check the signature and the report, and store it: the answer to send back."""
    try:
        verify(secret, headers, body, max_age=settings.SYNC_CALLBACK_MAX_AGE_SECONDS)
    except BadSignature as exc:
        return Answer(401, {"error": str(exc)})
    try:
        data = json.loads(body)
    except ValueError:
        return Answer(400, {"error": "The body is not JSON."})
    taken = _taken(data)
    if taken:
        return Answer(200, {"status": "repeated", "report_id": taken})
    report, problems = read(data)
    if problems:
        return Answer(
            400,
            {
                "error": "The report is refused; nothing was stored (the first "
                f"{MAX_PROBLEMS} problems at most are listed).",
                "problems": problems[:MAX_PROBLEMS],
            },
        )
    return store(report, source)


def _taken(data) -> str | None:
    """The report's id when it was taken already (answered before reading its figures)."""
    try:
        report_id = uuid.UUID(str(data.get("report_id"))) if isinstance(data, dict) else None
    except ValueError:
        return None
    if report_id and UsageReport.objects.filter(report_id=report_id).exists():
        return str(report_id)
    return None


class Figures(NamedTuple):
    """A report's figures as columns, the n-th figure the n-th of each."""

    companies: list[int]
    products: list[int]
    days: list[str]  # ISO days
    in_use: list[int]


@dataclass(frozen=True)
class Report:
    report_id: uuid.UUID
    reported_at: datetime.datetime
    partner_id: int
    figures: Figures


def _problem(field: str, error: str, index: int | None = None) -> dict:
    return {"field": field, "error": error, **({"index": index} if index is not None else {})}


def read(data) -> tuple[Report | None, list[dict]]:
    """The report, or what is wrong with it (each problem with its figure's ``index``)."""
    if not isinstance(data, dict):
        return None, [_problem("body", "A JSON object is required.")]
    problems = []
    try:
        report_id = uuid.UUID(str(data.get("report_id")))
    except ValueError:
        problems.append(_problem("report_id", "A UUID is required."))
    reported_at = _moment(data.get("reported_at"))
    if reported_at is None:
        problems.append(
            _problem("reported_at", "An ISO 8601 date and time with its offset is required.")
        )
    partner_id = data.get("partner_id")
    if not _integer(partner_id):
        problems.append(_problem("partner_id", "The partner's id (an integer) is required."))
    figures = data.get("figures")
    if not isinstance(figures, list) or not 1 <= len(figures) <= MAX_FIGURES:
        problems.append(_problem("figures", f"A list of 1 to {MAX_FIGURES:,} figures."))
    if problems:
        return None, problems
    columns, problems = _figures(figures, partner_id, reported_at.date())
    if problems:
        return None, problems
    return Report(report_id, reported_at, partner_id, columns), []


def _figures(figures: list, partner_id: int, reported_on: datetime.date):
    products = dict(Product.objects.values_list("code", "pk"))
    latest = reported_on + datetime.timedelta(days=1)  # the vendor's day may be ahead of ours
    # A vendor's figures are good: each field is checked over the whole report at once (a
    # report has one or two days and products), and only a report with a bad figure is read
    # figure by figure to say which and why.
    try:
        # A list a field: four passes cost a quarter of one zip(*rows) of 10,000 figures.
        customer_ids = [figure["customer_id"] for figure in figures]
        codes = [figure["product"] for figure in figures]
        days = [figure["day"] for figure in figures]
        in_use = [figure["in_use"] for figure in figures]
        companies, distinct_codes, distinct_days = set(customer_ids), set(codes), set(days)
        if len(distinct_codes) == len(distinct_days) == 1:  # as a rule: a customer once
            keys = len(companies)
        else:
            keys = len(set(zip(customer_ids, codes, days, strict=True)))
        good = (
            _ints(customer_ids)
            and all(type(code) is str and code in products for code in distinct_codes)
            and all(_day_in(day, latest) for day in distinct_days)
            and _ints(in_use)
            and 0 <= min(in_use)
            and max(in_use) <= MAX_IN_USE
            and keys == len(figures)  # no customer, product and day twice
            and _all_customers(partner_id, companies)
        )
    except (KeyError, TypeError):  # not an object, a field missing, a list for a code
        good = False
    if good:
        return Figures(customer_ids, [products[code] for code in codes], days, in_use), []
    wanted = {
        figure.get("customer_id")
        for figure in figures
        if isinstance(figure, dict) and _integer(figure.get("customer_id"))
    }
    return None, _problems(figures, _customers(partner_id, wanted), products, latest)


def _customers(partner_id: int, ids: set[int], *, count: bool = False):
    """Of these ids, those of this partner's customers (or how many they are)."""
    where, params = in_list("id", list(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {'count(*)' if count else 'id'} FROM {Company._meta.db_table} "
            f"WHERE partner_id = %s AND status <> %s AND {where}",
            [partner_id, Company.Status.PROSPECT, *params],
        )
        return cursor.fetchone()[0] if count else {row[0] for row in cursor.fetchall()}


def _all_customers(partner_id: int, ids: set[int]) -> bool:
    if connection.vendor != "postgresql" or not all(-BIGINT <= pk < BIGINT for pk in ids):
        return _customers(partner_id, ids, count=True) == len(ids)
    # One primary-key probe an id (LATERAL … LIMIT 1 keeps it so): for a report's 10,000 of an
    # MSP's 100,000 customers the planner would read the whole table, at half the speed.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM unnest(%s::bigint[]) AS wanted(id), LATERAL (SELECT 1 "
            f"FROM {Company._meta.db_table} AS c WHERE c.id = wanted.id AND c.partner_id = %s "
            "AND c.status <> %s LIMIT 1) AS found",
            [int_array(ids), partner_id, Company.Status.PROSPECT],
        )
        return cursor.fetchone()[0] == len(ids)


def _ints(values: tuple) -> bool:
    return set(map(type, values)) == {int}  # a bool is not a count


def _day_in(value, latest: datetime.date) -> bool:
    day = _day(value)
    return day is not None and FIRST_DAY <= day <= latest


def _problems(figures: list, customers: set, products: dict, latest) -> list[dict]:
    """Each bad figure's problems, by its index (the first ``MAX_PROBLEMS``)."""
    problems, seen = [], set()
    for index, figure in enumerate(figures):
        if len(problems) >= MAX_PROBLEMS:
            break
        if not isinstance(figure, dict):
            problems.append(_problem("figures", "A JSON object is required.", index))
            continue
        found = _checked(figure, index, customers, products, latest)
        if found:
            problems += found
            continue
        key = (figure["customer_id"], figure["product"], figure["day"])
        if key in seen:
            problems.append(_problem("day", "The same customer, product and day again.", index))
        seen.add(key)
    return problems


def _checked(figure: dict, index: int, customers: set, products: dict, latest) -> list[dict]:
    """What is wrong with one figure."""
    found = []
    customer, code, in_use = figure.get("customer_id"), figure.get("product"), figure.get("in_use")
    if not _integer(customer) or customer not in customers:
        found.append(_problem("customer_id", "Not a customer of this partner.", index))
    if not isinstance(code, str) or code not in products:
        found.append(_problem("product", "Not a product's code.", index))
    if not _day_in(figure.get("day"), latest):
        found.append(_problem("day", f"An ISO day from {FIRST_DAY} to the report's day.", index))
    if not _integer(in_use) or not 0 <= in_use <= MAX_IN_USE:
        found.append(_problem("in_use", f"A whole number from 0 to {MAX_IN_USE:,}.", index))
    return found


def _day(value) -> datetime.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _moment(value) -> datetime.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def store(report: Report, source: str) -> Answer:
    """The report and its figures in one transaction (``receive`` has answered a report taken
    already; two arriving at once: the second waits for the first, then is ``repeated``)."""
    try:
        with transaction.atomic():
            row = UsageReport.objects.create(
                report_id=report.report_id,
                reported_at=report.reported_at,
                figures=len(report.figures.companies),
                source=source,
            )
            _figures_write(report, row.pk)
            UsageReportDue.objects.create(
                report=row,
                partner_id=report.partner_id,
                companies=sorted(set(report.figures.companies)),
            )
    except IntegrityError:
        return Answer(200, {"status": "repeated", "report_id": str(report.report_id)})
    return Answer(
        200,
        {
            "status": "stored",
            "report_id": str(report.report_id),
            "figures": len(report.figures.companies),
        },
    )


def _figures_write(report: Report, report_pk: int) -> None:
    """INSERT … SELECT from the figures' columns: one statement a report, its columns four
    parameters (10,000 rows of parameters would cost more to send than the rows to write).

    A day's figures arrive once as a rule, and a plain INSERT writes them in two thirds of the
    time an upsert takes. A figure stored already (a correction, a report racing another) makes
    it fail whole; then INSERT … ON CONFLICT DO UPDATE … WHERE the stored figure is older, so
    a late report never overwrites a newer one's figure. Rows go in key order, so two reports
    writing the same figures wait for each other rather than deadlock."""
    table = UsageFigure._meta.db_table
    figures = report.figures
    if connection.vendor == "postgresql":
        # Checked whole numbers and ISO days: their array text needs no quoting.
        select = (
            "SELECT c, p, d, n, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::date[], "
            "%s::integer[]) AS f(c, p, d, n) ORDER BY c, p, d"
        )
        columns = [int_array(figures.companies), int_array(figures.products)]
        columns += ["{" + ",".join(figures.days) + "}", int_array(figures.in_use)]
    else:  # SQLite: the WHERE tells its parser an ON CONFLICT is the INSERT's
        select = (
            "SELECT value->>0 AS c, value->>1 AS p, value->>2 AS d, value->>3, %s, %s "
            "FROM json_each(%s) WHERE true ORDER BY c, p, d"
        )
        columns = [json.dumps(list(zip(*figures, strict=True)))]
    insert = (
        f"INSERT INTO {table} (company_id, product_id, day, in_use, reported_at, report_id) "
        f"{select}"
    )
    params = [connection.ops.adapt_datetimefield_value(report.reported_at), report_pk, *columns]
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute(insert, params)
                return
        except IntegrityError:
            pass
        cursor.execute(
            f"{insert} ON CONFLICT (company_id, product_id, day) DO UPDATE SET "
            "in_use = excluded.in_use, reported_at = excluded.reported_at, "
            f"report_id = excluded.report_id WHERE {table}.reported_at < excluded.reported_at",
            params,
        )
