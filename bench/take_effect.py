"""Time the scheduled job that makes the versions due today take effect, among 1,000,000
customers' agreements, on PostgreSQL.

    python bench/take_effect.py [--customers N] [--due N] [--batch N]
    python bench/run.py take_effect

The data: 1,000,000 Complete customers over a few partners, each with an Active agreement
version (two product lines, monthly terms), and 10,000 of them (every 100th) with a version 2
Scheduled from today (fewer seats, one product). It is loaded once with server-side SQL
(INSERT ... SELECT over generate_series: about a minute) and kept; before each timed run only
those 10,000 are put back as they were (version 2 Scheduled, version 1 Active until today, the
company's figures of version 1, the job's history entries gone).

Reported: the versions due, how many took effect, the seconds of ``versions_take_effect(today)``,
its SQL statements (counted with ``connection.execute_wrapper``) by kind, and the statements per
batch; then a second run with nothing left due. Target: <= 30 s, a bounded number of statements
per batch (not one per version).

Database: ``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/
portal_bench_take_effect`` (created if missing; its name must contain "bench"). Its own partners
("Take Effect Bench Partner N") and products (TE1, TE2) only: another benchmark's data in the same
database is left alone.
"""

import argparse
import datetime
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_take_effect"
PARTNER_PREFIX = "Take Effect Bench Partner"
PARTNERS = 5
# The day the benchmark's versions are due: fixed, so that the kept data stays due.
TODAY = datetime.date(2026, 6, 1)
STARTED = datetime.date(2025, 6, 1)
TARGET_SECONDS = 30.0
# Per product: code, name, price per seat.
PRODUCTS = [("TE1", "Take Effect Suite", "3.2000"), ("TE2", "Take Effect Continuity", "1.1000")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000, help="of them, Scheduled for today")
    parser.add_argument("--batch", type=int, default=None, help="companies per transaction")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    # Through bench/run.py (runpy) the arguments are run.py's: the names of the benchmarks.
    args, _ = parser.parse_known_args()
    if args.customers % args.due:
        parser.error("--customers must be a multiple of --due (every n-th customer is due)")
    return args


def configure() -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    config = dj_database_url.parse(url)
    name = config["NAME"]
    developers = os.environ.get("DATABASE_URL")
    if "bench" not in name or (developers and dj_database_url.parse(developers)["NAME"] == name):
        sys.exit(f"Refusing to use database {name!r}: its name must contain 'bench'.")
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# -- The data -------------------------------------------------------------------------------


def partner_ids() -> list[int]:
    from portal.accounts.models import Partner

    return list(
        Partner.objects.filter(name__startswith=PARTNER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def loaded(customers: int, due: int) -> bool:
    from portal.companies.models import Agreement, Company

    partners = partner_ids()
    return (
        len(partners) == PARTNERS
        and Company.objects.filter(partner_id__in=partners).count() == customers
        and Agreement.objects.filter(company__partner_id__in=partners, version=2).count() == due
    )


def load(customers: int, due: int) -> None:
    """Partners and products through the ORM (a handful); customers, versions and lines with
    INSERT ... SELECT, in one transaction."""
    from django.db import connection, transaction

    from portal.accounts.models import Partner
    from portal.catalog.models import Product
    from portal.companies.models import Company

    every = customers // due
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Another size asked for: this benchmark's customers go, and come back in the new size
        # (their agreements and lines cascade in the database only through Django: by hand).
        old = partner_ids()
        if old:
            for sql in (
                "DELETE FROM companies_agreementline WHERE agreement_id IN (SELECT a.id FROM "
                "companies_agreement a JOIN companies_company c ON c.id = a.company_id "
                "WHERE c.partner_id = ANY(%s))",
                "DELETE FROM companies_agreement WHERE company_id IN "
                "(SELECT id FROM companies_company WHERE partner_id = ANY(%s))",
                "DELETE FROM core_historyentry WHERE partner_id = ANY(%s)",
                "DELETE FROM companies_company WHERE partner_id = ANY(%s)",
            ):
                cursor.execute(sql, [old])
            Partner.products.through.objects.filter(partner_id__in=old).delete()
            Partner.objects.filter(pk__in=old).delete()
        partners = Partner.objects.bulk_create(
            Partner(name=f"{PARTNER_PREFIX} {n}", msa_version="bench") for n in range(PARTNERS)
        )
        products = [
            Product.objects.update_or_create(
                code=code, defaults={"name": name, "kind": Product.Kind.PRIMARY, "position": n}
            )[0]
            for n, (code, name, _) in enumerate(PRODUCTS)
        ]
        Partner.products.through.objects.bulk_create(
            Partner.products.through(partner_id=p.pk, product_id=product.pk)
            for p in partners
            for product in products
        )
        ids = [p.pk for p in partners]
        # Rows in bulk, then each index built once: far faster than a million index inserts
        # (the exclusion constraint's GiST index above all).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no trigger pending on an ALTER
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rebuild = _indexes_dropped(cursor, TABLES)
        # Customer g: partner g % PARTNERS, 50 to 500 seats; every n-th one is due.
        cursor.execute(
            """
            INSERT INTO companies_company (partner_id, status, company_type, name, domain,
                website, sector, lead_name, permitted_users, next_billing_date, fee_products,
                fee_seats, monthly_fees, fees_currency, created_at, updated_at)
            SELECT (%(ids)s::bigint[])[1 + g %% %(partners)s], 'complete', 'end_customer',
                'Take Effect Customer ' || g, 'te' || g || '.bench.example', '', '', '',
                50 + g %% 451, %(today)s, ' TE1 TE2 ', 50 + g %% 451, (50 + g %% 451) * 4.30,
                'USD', now(), now()
            FROM generate_series(1, %(customers)s) AS g
            """,
            {"ids": ids, "partners": PARTNERS, "today": TODAY, "customers": customers},
        )
        print(f"  {customers:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
        # Ids are given in order within this transaction: customer g is company first + g - 1.
        # No joins below (the tables have neither indexes nor statistics yet).
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM companies_company WHERE partner_id = ANY(%s)",
            [ids],
        )
        first, last, count = cursor.fetchone()
        assert last - first + 1 == count == customers, "company ids not consecutive"
        # Version 1, Active since STARTED (until today for the due ones); version 2 Scheduled
        # from today for every n-th customer, with half the seats and TE1 only.
        cursor.execute(
            """
            INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
                reason, created_at, activated_at, effective_from, effective_until)
            SELECT %(first)s + g - 1, 1, 'active', 50 + g %% 451, 'USD', '', now(), now(),
                %(started)s, CASE WHEN g %% %(every)s = 0 THEN %(today)s::date END
            FROM generate_series(1, %(customers)s) AS g
            """,
            {
                "first": first,
                "customers": customers,
                "started": STARTED,
                "today": TODAY,
                "every": every,
            },
        )
        cursor.execute(
            """
            INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
                reason, created_at, activated_at, effective_from)
            SELECT %(first)s + g - 1, 2, 'scheduled', (50 + g %% 451) / 2 + 1, 'USD', '', now(),
                now(), %(today)s
            FROM generate_series(%(every)s, %(customers)s, %(every)s) AS g
            """,
            {"first": first, "customers": customers, "today": TODAY, "every": every},
        )
        cursor.execute(
            "SELECT min(id) FROM companies_agreement WHERE company_id BETWEEN %s AND %s",
            [first, last],
        )
        (agreements_from,) = cursor.fetchone()
        print(f"  agreements in {time.perf_counter() - started:.1f} s", flush=True)
        for n, (product, (code, name, price)) in enumerate(zip(products, PRODUCTS, strict=True)):
            cursor.execute(
                """
                INSERT INTO companies_agreementline (agreement_id, product_id, code, name, term,
                    charge, quantity, unit_price, payment, commitment, billing, term_start,
                    term_end, auto_renew)
                SELECT a.id, %(product)s, %(code)s, %(name)s, 'monthly', 'per_seat',
                    a.total_users, %(price)s, a.total_users * %(price)s::numeric, 'monthly',
                    'monthly', %(started)s, %(today)s, true
                FROM companies_agreement a
                WHERE a.id >= %(agreements)s AND (a.version = 1 OR %(first)s)
                """,
                {
                    "product": product.pk,
                    "code": code,
                    "name": name,
                    "price": price,
                    "started": STARTED,
                    "today": TODAY,
                    "agreements": agreements_from,
                    "first": n == 0,
                },
            )
        print(f"  lines in {time.perf_counter() - started:.1f} s", flush=True)
        # Check the deferred foreign keys now: an index cannot be built with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in rebuild:
            cursor.execute(statement)
        print(f"  indexes in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in ("companies_company", "companies_agreement", "companies_agreementline"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    assert Company.objects.filter(partner_id__in=ids).count() == customers
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)


TABLES = ("companies_company", "companies_agreement", "companies_agreementline")


def _indexes_dropped(cursor, tables) -> list[str]:
    """Drop the tables' secondary indexes and exclusion constraints; the statements that
    make them again."""
    rebuild = []
    for table in tables:
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = %s
              AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)
            """,
            [table, table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'x'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return rebuild


def reset() -> int:
    """Put the due customers back as they were before the job; how many are due."""
    from django.db import connection, transaction

    from portal.companies.monthly import figures_refresh

    ids = partner_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        due = "SELECT company_id FROM companies_agreement WHERE version = 2 AND company_id IN "
        due += "(SELECT id FROM companies_company WHERE partner_id = ANY(%(ids)s))"
        # Out of effect first: one Active version per company at every moment.
        cursor.execute(
            f"UPDATE companies_agreement SET status = 'scheduled' WHERE version = 2 "
            f"AND status <> 'scheduled' AND company_id IN ({due})",
            {"ids": ids},
        )
        cursor.execute(
            f"UPDATE companies_agreement SET status = 'active', effective_until = %(today)s "
            f"WHERE version = 1 AND status <> 'active' AND company_id IN ({due})",
            {"ids": ids, "today": TODAY},
        )
        cursor.execute(
            f"UPDATE companies_company c SET permitted_users = a.total_users, "
            f"fee_seats = a.total_users, fee_products = ' TE1 TE2 ', "
            f"monthly_fees = a.total_users * 4.30 FROM companies_agreement a "
            f"WHERE a.company_id = c.id AND a.version = 1 AND c.id IN ({due}) "
            f"AND c.permitted_users <> a.total_users",
            {"ids": ids},
        )
        cursor.execute(
            "DELETE FROM core_historyentry WHERE partner_id = ANY(%(ids)s) "
            "AND summary LIKE 'Agreement version 2 took effect%%'",
            {"ids": ids},
        )
        cursor.execute(
            "SELECT count(*) FROM companies_agreement WHERE status = 'scheduled' "
            "AND effective_from <= %(today)s",
            {"today": TODAY},
        )
        count = cursor.fetchone()[0]
        cursor.execute(due, {"ids": ids})
        companies = [row[0] for row in cursor.fetchall()]
    # Their figures as the services counted them when the downsells were synced (written by
    # SQL here): the job then finds them unchanged, as it does in production.
    figures_refresh(companies)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE companies_agreement")
    return count


# -- Measuring ------------------------------------------------------------------------------


class Statements:
    """Counts the statements run through Django's connection, by their first word."""

    def __init__(self):
        self.kinds = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.kinds[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


def timed(today: datetime.date, batch: int) -> tuple[int, float, Statements]:
    from django.db import connection

    from portal.companies.schedule import versions_take_effect

    statements = Statements()
    with connection.execute_wrapper(statements):
        started = time.perf_counter()
        activated = versions_take_effect(today, batch=batch)
        seconds = time.perf_counter() - started
    return activated, seconds, statements


def main(args: argparse.Namespace) -> int:
    configure()
    from django.db import connection

    from portal.companies.schedule import BATCH

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only.")
    batch = args.batch or BATCH
    if not loaded(args.customers, args.due):
        print(f"loading {args.customers:,} customers, {args.due:,} of them due ...", flush=True)
        load(args.customers, args.due)
    due = reset()
    activated, seconds, statements = timed(TODAY, batch)
    batches = math.ceil(activated / batch)
    print(f"customers             {args.customers:,}")
    print(f"due                   {due:,}")
    print(f"activated             {activated:,}")
    print(f"seconds               {seconds:.2f}   (target <= {TARGET_SECONDS:.0f})")
    print(f"statements            {statements.total:,}   ({dict(statements.kinds.most_common())})")
    print(
        f"statements per batch  {statements.total / max(batches, 1):.1f}   "
        f"({batches} batches of {batch:,} companies, and the last look-up)"
    )
    again, idle, idle_statements = timed(TODAY, batch)
    print(
        f"nothing left due      {again} activated, {idle * 1000:.1f} ms, "
        f"{idle_statements.total} statements"
    )
    ok = activated == due and seconds <= TARGET_SECONDS and again == 0
    # Bounded: a fixed number per batch, never one per version.
    ok = ok and statements.total <= 15 * (batches + 1)
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        sys.exit(main(arguments))
    # Through bench/run.py: a process of its own, with Django set up against the bench
    # database (never the developer's).
    import subprocess

    direct = Path(sys.argv[0]).resolve() == Path(__file__).resolve()
    options = sys.argv[1:] if direct else []
    sys.exit(subprocess.call([sys.executable, __file__, "--child", *options], cwd=ROOT))
