"""Time the intake of the vendor's usage reports: 1,000,000 figures (100,000 customers x 10
days) in reports of 10,000, through ``usage.reports.receive`` as the HTTP view calls it
(signature, JSON, checks, one transaction a report).

    python bench/usage_ingest.py [--customers N] [--days N]
    python bench/run.py usage_ingest

PostgreSQL only, in its own database ``portal_bench_usage`` (BENCH_USAGE_DATABASE_URL; the
name must contain ``bench``): one partner with 100,000 Complete customers, loaded once by
``INSERT … SELECT`` and kept; the usage tables are emptied before each run. The reports' bodies
are made and signed before the clock starts (that is the vendor's work). Reported: the seconds
and figures per second, the statements, and a second pass of the same reports (all answered
``repeated``). Target: <= 20 s for the 1,000,000.
"""

import argparse
import datetime
import json
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.prospect_list import configure  # noqa: E402  (after sys.path is set)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_usage"
PARTNER = "Usage Bench Partner"
FIRST_DAY = datetime.date(2026, 11, 21)
TARGET_SECONDS = 20.0
SECRET = "usage-bench-secret"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=10)
    return parser.parse_known_args()[0]


def load(customers: int) -> list[int]:
    """The partner, its product and customers (kept between runs); their ids."""
    from django.db import connection, transaction

    from portal.accounts.models import Partner
    from portal.catalog.models import Product
    from portal.companies.models import Company

    partner = Partner.objects.filter(name=PARTNER).first()
    if partner is None or Company.objects.filter(partner=partner).count() != customers:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE accounts_partner, catalog_product, companies_company "
                "RESTART IDENTITY CASCADE"
            )
            partner = Partner.objects.create(name=PARTNER, currency="USD")
            Product.objects.create(
                code="UB1",
                name="Usage Bench Suite",
                kind="primary",
                charge="per_seat",
                term="monthly",
            )
            cursor.execute(
                """
                INSERT INTO companies_company (partner_id, status, company_type, name, domain,
                    website, sector, lead_name, fee_products, fees_currency, created_at,
                    updated_at)
                SELECT %s, 'complete', 'end_customer', 'Usage Customer ' || g,
                    'u' || g || '.bench.example', '', '', '', ' UB1 ', 'USD', now(), now()
                FROM generate_series(1, %s) AS g
                """,
                [partner.pk, customers],
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE companies_company")
    return partner.pk, list(
        Company.objects.filter(partner=partner).order_by("pk").values_list("pk", flat=True)
    )


def reports(partner: int, ids: list[int], days: int) -> list[tuple[bytes, dict]]:
    """The signed bodies: each day's figures, 10,000 customers a report."""
    from portal.core.signing import signed_headers
    from portal.usage.reports import MAX_FIGURES

    found = []
    moment = datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC).isoformat()
    for n in range(days):
        day = (FIRST_DAY + datetime.timedelta(days=n)).isoformat()
        for start in range(0, len(ids), MAX_FIGURES):
            body = json.dumps(
                {
                    "report_id": str(uuid.uuid4()),
                    "reported_at": moment,
                    "partner_id": partner,
                    "figures": [
                        {"customer_id": pk, "product": "UB1", "day": day, "in_use": pk % 500}
                        for pk in ids[start : start + MAX_FIGURES]
                    ],
                }
            ).encode()
            found.append((body, signed_headers(SECRET, body)))
    return found


SQL_SECONDS: Counter = Counter()  # the SQL's share of the time, by kind of statement


def ingest(signed: list[tuple[bytes, dict]]) -> tuple[float, Counter, Counter]:
    from django.db import connection

    from portal.usage.reports import receive

    statements: Counter = Counter()

    def count(execute, sql, params, many, context):
        kind = sql.lstrip().split(None, 1)[0].upper()
        statements[kind] += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            SQL_SECONDS[kind] += time.perf_counter() - started

    answers: Counter = Counter()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        for body, headers in signed:
            answer = receive(body=body, headers=headers, secret=SECRET)
            answers[f"{answer.http_status} {answer.body.get('status')}"] += 1
        seconds = time.perf_counter() - started
    return seconds, statements, answers


def main() -> None:
    args = parse_args()
    os.environ["BENCH_DATABASE_URL"] = os.environ.get("BENCH_USAGE_DATABASE_URL", DEFAULT_PG_URL)
    configure("postgres")
    from django.core.management import call_command
    from django.db import connection

    from portal.usage.models import UsageFigure

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    partner, ids = load(args.customers)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE usage_usagefigure, usage_usagereportdue, usage_usagereport RESTART IDENTITY"
        )
    signed = reports(partner, ids, args.days)
    total = len(ids) * args.days
    seconds, statements, answers = ingest(signed)
    stored = UsageFigure.objects.count()
    print(f"figures               {total:,} in {len(signed)} reports")
    print(f"seconds               {seconds:.2f}   (target <= {TARGET_SECONDS:.0f})")
    print(f"figures per second    {total / seconds:,.0f}")
    print(f"statements            {sum(statements.values()):,}   ({dict(statements)})")
    sql = {kind: round(spent, 2) for kind, spent in SQL_SECONDS.items()}
    print(f"of which SQL          {sum(SQL_SECONDS.values()):.2f} s   ({sql})")
    print(f"answers               {dict(answers)}")
    again, _, repeated = ingest(signed)
    print(f"the same again        {again:.2f} s   ({dict(repeated)})")
    ok = (
        seconds <= TARGET_SECONDS
        and stored == total
        and answers == Counter({"200 stored": len(signed)})
        and repeated == Counter({"200 repeated": len(signed)})
    )
    print("OK" if ok else "TARGET MISSED")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
