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

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_datetime

from portal.catalog.models import Product
from portal.companies.models import Company
from portal.core.bulk import in_list
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


@dataclass(frozen=True)
class Report:
    report_id: uuid.UUID
    reported_at: datetime.datetime
    partner_id: int
    figures: list[list]  # company, product, ISO day, in use


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
    rows, problems = _figures(figures, partner_id, reported_at.date())
    if problems:
        return None, problems
    return Report(report_id, reported_at, partner_id, rows), []


def _figures(figures: list, partner_id: int, reported_on: datetime.date):
    products = dict(Product.objects.values_list("code", "pk"))
    wanted = {
        figure.get("customer_id")
        for figure in figures
        if isinstance(figure, dict) and _integer(figure.get("customer_id"))
    }
    where, params = in_list("id", list(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Company._meta.db_table} WHERE partner_id = %s AND status <> %s "
            f"AND {where}",
            [partner_id, Company.Status.PROSPECT, *params],
        )
        customers = {row[0] for row in cursor.fetchall()}
    problems, rows, seen = [], [], set()
    latest = reported_on + datetime.timedelta(days=1)  # the vendor's day may be ahead of ours
    first, last = FIRST_DAY.isoformat(), latest.isoformat()
    for index, figure in enumerate(figures):
        if len(problems) >= MAX_PROBLEMS:
            break
        # The figures a vendor sends are good: each is checked in one expression (and ISO
        # days compare as text), and only a bad one is looked at again to say what is wrong.
        try:
            customer, code = figure["customer_id"], figure["product"]
            day, in_use = figure["day"], figure["in_use"]
            good = (
                type(customer) is int
                and customer in customers
                and type(code) is str
                and code in products
                and type(day) is str
                and first <= day <= last
                and _day(day) is not None
                and type(in_use) is int
                and 0 <= in_use <= MAX_IN_USE
            )
        except (KeyError, TypeError):
            good = False
        if not good:
            if not isinstance(figure, dict):
                problems.append(_problem("figures", "A JSON object is required.", index))
            else:
                problems += _checked(figure, index, customers, products, latest)
            continue
        key = (customer, products[code], day)
        if key in seen:
            problems.append(_problem("day", "The same customer, product and day again.", index))
            continue
        seen.add(key)
        rows.append([customer, key[1], day, in_use])
    return rows, problems


def _checked(figure: dict, index: int, customers: set, products: dict, latest) -> list[dict]:
    """What is wrong with one figure."""
    found = []
    customer, code, in_use = figure.get("customer_id"), figure.get("product"), figure.get("in_use")
    if not _integer(customer) or customer not in customers:
        found.append(_problem("customer_id", "Not a customer of this partner.", index))
    if not isinstance(code, str) or code not in products:
        found.append(_problem("product", "Not a product's code.", index))
    day = _day(figure.get("day"))
    if day is None or not FIRST_DAY <= day <= latest:
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
                figures=len(report.figures),
                source=source,
            )
            _figures_write(report, row.pk)
            UsageReportDue.objects.create(
                report=row,
                partner_id=report.partner_id,
                companies=sorted({figure[0] for figure in report.figures}),
            )
    except IntegrityError:
        return Answer(200, {"status": "repeated", "report_id": str(report.report_id)})
    return Answer(
        200,
        {"status": "stored", "report_id": str(report.report_id), "figures": len(report.figures)},
    )


def _figures_write(report: Report, report_pk: int) -> None:
    """INSERT … SELECT from one JSON document … ON CONFLICT DO UPDATE … WHERE the stored
    figure is older: a late report never overwrites a newer one's figure. One statement a
    report (10,000 parameters would cost more to send than the rows to write)."""
    table = UsageFigure._meta.db_table
    rows = json.dumps(report.figures)
    if connection.vendor == "postgresql":
        select = (
            "SELECT (e->>0)::bigint, (e->>1)::bigint, (e->>2)::date, (e->>3)::integer, %s, %s "
            "FROM json_array_elements(%s::json) AS e"
        )
    else:  # SQLite: the WHERE tells its parser the ON CONFLICT is the INSERT's
        select = (
            "SELECT value->>0, value->>1, value->>2, value->>3, %s, %s FROM json_each(%s) "
            "WHERE true"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (company_id, product_id, day, in_use, reported_at, report_id) "
            f"{select} ON CONFLICT (company_id, product_id, day) DO UPDATE SET "
            "in_use = excluded.in_use, reported_at = excluded.reported_at, "
            f"report_id = excluded.report_id WHERE {table}.reported_at < excluded.reported_at",
            [connection.ops.adapt_datetimefield_value(report.reported_at), report_pk, rows],
        )
