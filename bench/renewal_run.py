"""Time the renewal run (``renewals.run.renewals_run``) with 10,000 terms due among 1,000,000
subscriptions, on PostgreSQL.

    python bench/renewal_run.py [--customers N] [--due N] [--batch N]
    python bench/run.py renewal_run

The data: 1,000,000 Complete customers over 5 partners, each with an Active agreement version
of two lines on a 1-year commitment (RR1 priced per month, RR2 per year), their term ends spread
over a year; every 100th (10,000) ends on the benchmark's day. Of those, every 5th has a seat
reduction of RR1 scheduled for the renewal, every 7th RR2's auto-renew off, and every 50th both
products' auto-renew off (a Former customer then, its seat reduction moot). RR1's prices went up
30 days before the day, so every renewal is priced anew. Every renewal is a new version (a
commitment renews) with its history entry and its provisioning request: 10,000 of each.

It is loaded once with server-side SQL (INSERT ... SELECT over generate_series, the indexes
built after) and kept; before each timed run only the due customers are put back as they were
(version 1 Active, the run's versions, lines, requests, tasks and history entries gone, the
scheduled changes scheduled again, the company's figures and status).

Reported: the terms due, the renewals made, the seconds of ``renewals_run(day)``, its SQL
statements (counted with ``connection.execute_wrapper``) by kind, the statements per batch;
then a second run with nothing left due. Target: <= 60 s, a bounded number of statements per
batch (not one per customer, request or history entry).

Database: ``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/
portal_bench_renewal_run`` (created if missing; its name must contain "bench"). Its own partners
("Renewal Run Bench Partner N") and products (RR1, RR2) only.
"""

import argparse
import datetime
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (ROOT, HERE):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from take_effect import TABLES, Statements, _indexes_dropped  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_renewal_run"
PARTNER_PREFIX = "Renewal Run Bench Partner"
PARTNERS = 5
# The day the benchmark's terms end: fixed, so that the kept data stays due.
TODAY = datetime.date(2026, 9, 1)
TARGET_SECONDS = 60.0
# code, name, price term, tiers before and after the price change (from quantity, price)
PRODUCTS = [
    ("RR1", "Renewal Suite", "monthly", [(1, "4.0000"), (250, "3.6000")], [(1, "4.4000")]),
    ("RR2", "Renewal Archive", "annual", [(1, "12.0000")], []),
]
PRICES_SINCE = datetime.date(2020, 1, 1)
PRICES_CHANGE = TODAY - datetime.timedelta(days=30)
RENEWAL_TABLES = (*TABLES, "renewals_renewalchange")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000, help="of them, ending on the day")
    parser.add_argument("--batch", type=int, default=None, help="customers per transaction")
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
    from portal.companies.models import Company

    partners = partner_ids()
    return (
        len(partners) == PARTNERS
        and Company.objects.filter(partner_id__in=partners).count() == customers
        and Company.objects.filter(partner_id__in=partners, created_at__year=1999).count() == due
    )


def _forget(cursor, old: list[int]) -> None:
    """This benchmark's rows of another size go (cascades only happen through Django)."""
    from portal.accounts.models import Partner

    companies = "SELECT id FROM companies_company WHERE partner_id = ANY(%s)"
    for statement in (
        f"DELETE FROM sync_provisioningrequest WHERE company_id IN ({companies})",
        f"DELETE FROM renewals_renewalchange WHERE company_id IN ({companies})",
        "DELETE FROM companies_agreementline WHERE agreement_id IN (SELECT id FROM "
        f"companies_agreement WHERE company_id IN ({companies}))",
        f"DELETE FROM companies_agreement WHERE company_id IN ({companies})",
        "DELETE FROM core_historyentry WHERE partner_id = ANY(%s)",
        "DELETE FROM companies_company WHERE partner_id = ANY(%s)",
    ):
        cursor.execute(statement, [old])
    Partner.products.through.objects.filter(partner_id__in=old).delete()
    from portal.catalog.models import ContractedPrice

    ContractedPrice.objects.filter(partner_id__in=old).delete()
    Partner.objects.filter(pk__in=old).delete()


def load(customers: int, due: int) -> None:
    """Partners, products and prices through the ORM (a handful); customers, versions, lines
    and scheduled changes with INSERT ... SELECT, in one transaction.

    Customer g (1..N): partner g % 5, 50 to 500 seats; due (its term ends on the day) if g is
    a multiple of N / due, its k = g / (N / due) deciding the scheduled change and auto-renew;
    else its term ends 1 to 364 days later. Due customers are marked by created_at in 1999."""
    from django.db import connection, transaction

    from portal.accounts.models import Partner
    from portal.catalog.models import ContractedPrice, Product

    every = customers // due
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        old = partner_ids()
        if old:
            _forget(cursor, old)
        partners = Partner.objects.bulk_create(
            Partner(name=f"{PARTNER_PREFIX} {n}", msa_version="bench") for n in range(PARTNERS)
        )
        products = {}
        for n, (code, name, term, _, _) in enumerate(PRODUCTS):
            products[code] = Product.objects.update_or_create(
                code=code,
                defaults={"name": name, "kind": Product.Kind.PRIMARY, "position": n, "term": term},
            )[0]
        Partner.products.through.objects.bulk_create(
            Partner.products.through(partner_id=p.pk, product_id=product.pk)
            for p in partners
            for product in products.values()
        )
        ContractedPrice.objects.bulk_create(
            ContractedPrice(
                partner=partner,
                product=products[code],
                term=term,
                min_quantity=quantity,
                unit_price=price,
                effective_from=since,
            )
            for partner in partners
            for code, _, term, before, after in PRODUCTS
            for since, tiers in ((PRICES_SINCE, before), (PRICES_CHANGE, after))
            for quantity, price in tiers
        )
        ids = [p.pk for p in partners]
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rebuild = _indexes_dropped(cursor, RENEWAL_TABLES)
        params = {
            "ids": ids,
            "partners": PARTNERS,
            "today": TODAY,
            "customers": customers,
            "every": every,
        }
        # The term end of customer g: the day for the due ones, else spread over the year.
        ends = (
            "CASE WHEN g %% %(every)s = 0 THEN %(today)s::date "
            "ELSE %(today)s::date + 1 + g %% 364 END"
        )
        cursor.execute(
            f"""
            INSERT INTO companies_company (partner_id, status, company_type, name, domain,
                website, sector, lead_name, permitted_users, next_billing_date, fee_products,
                fee_seats, monthly_fees, fees_currency, renews_on, commitment_ends_on,
                created_at, updated_at)
            SELECT (%(ids)s::bigint[])[1 + g %% %(partners)s], 'complete', 'end_customer',
                'Renewal Customer ' || g, 'rr' || g || '.bench.example', '', '', '',
                50 + g %% 451, {ends}, ' RR1 RR2 ', 50 + g %% 451,
                (50 + g %% 451) * CASE WHEN 50 + g %% 451 >= 250 THEN 3.60 ELSE 4.00 END,
                'USD', {ends}, {ends},
                CASE WHEN g %% %(every)s = 0 THEN '1999-01-01'::timestamptz ELSE now() END,
                now()
            FROM generate_series(1, %(customers)s) AS g
            """,
            params,
        )
        print(f"  {customers:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM companies_company WHERE partner_id = ANY(%s)",
            [ids],
        )
        first, last, count = cursor.fetchone()
        assert last - first + 1 == count == customers, "company ids not consecutive"
        params["first"] = first
        cursor.execute(
            f"""
            INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
                reason, created_at, activated_at, effective_from)
            SELECT %(first)s + g - 1, 1, 'active', 50 + g %% 451, 'USD', '', now(), now(),
                ({ends}) - interval '1 year'
            FROM generate_series(1, %(customers)s) AS g
            """,
            params,
        )
        print(f"  agreements in {time.perf_counter() - started:.1f} s", flush=True)
        # The agreement of customer g is agreement first_agreement + g - 1.
        cursor.execute(
            "SELECT min(id) FROM companies_agreement WHERE company_id BETWEEN %s AND %s",
            [first, last],
        )
        params["agreements"] = cursor.fetchone()[0]
        for code, name, term, _, _ in PRODUCTS:
            price = (
                "CASE WHEN a.total_users >= 250 THEN 3.6 ELSE 4.0 END" if code == "RR1" else "12.0"
            )
            # RR2's auto-renew is off for every 7th due customer; both for every 50th.
            off = "k %% 7 = 0 OR k %% 50 = 0" if code == "RR2" else "k %% 50 = 0"
            cursor.execute(
                f"""
                INSERT INTO companies_agreementline (agreement_id, product_id, code, name, term,
                    charge, quantity, unit_price, payment, commitment, billing, term_start,
                    term_end, auto_renew)
                SELECT a.id, %(product)s, %(code)s, %(name)s, %(term)s, 'per_seat',
                    a.total_users, {price}, a.total_users * {price}, '1y', %(term)s,
                    a.effective_from, (a.effective_from + interval '1 year')::date,
                    NOT (g %% %(every)s = 0 AND ({off}))
                FROM companies_agreement a,
                    LATERAL (SELECT a.id - %(agreements)s + 1 AS g) AS n,
                    LATERAL (SELECT g / %(every)s AS k) AS d
                WHERE a.id >= %(agreements)s
                """,
                {
                    **params,
                    "product": products[code].pk,
                    "code": code,
                    "name": name,
                    "term": term,
                },
            )
        print(f"  lines in {time.perf_counter() - started:.1f} s", flush=True)
        # RR1 down to half its seats (and one) at the renewal, for every 5th due customer.
        cursor.execute(
            """
            INSERT INTO renewals_renewalchange (company_id, product_id, code, renews_on, kind,
                seats, commitment, status, created_at)
            SELECT %(first)s + g - 1, %(product)s, 'RR1', %(today)s, 'seats',
                (50 + g %% 451) / 2 + 1, '', 'scheduled', now()
            FROM generate_series(%(every)s, %(customers)s, %(every)s) AS g
            WHERE (g / %(every)s) %% 5 = 0
            """,
            {**params, "product": products["RR1"].pk},
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in rebuild:
            cursor.execute(statement)
        print(f"  indexes in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in RENEWAL_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)


def reset() -> int:
    """Put the due customers back as they were before the run; how many are due."""
    from django.db import connection, transaction

    from portal.companies.monthly import figures_refresh

    ids = partner_ids()
    due = (
        "SELECT id FROM companies_company WHERE partner_id = ANY(%(ids)s) "
        "AND created_at < '2000-01-01'"
    )
    later = f"SELECT id FROM companies_agreement WHERE version > 1 AND company_id IN ({due})"
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (
            f"DELETE FROM sync_provisioningrequest WHERE company_id IN ({due})",
            "DELETE FROM django_tasks_database_dbtaskresult "
            "WHERE task_path = 'portal.sync.tasks.deliver_request'",
            "UPDATE renewals_renewalchange SET status = 'scheduled', applied_at = NULL, "
            f"cancelled_at = NULL, agreement_id = NULL WHERE company_id IN ({due})",
            f"DELETE FROM companies_agreementline WHERE agreement_id IN ({later})",
            f"DELETE FROM companies_agreement WHERE id IN ({later})",
            "UPDATE companies_agreement SET status = 'active', effective_until = NULL "
            f"WHERE version = 1 AND status <> 'active' AND company_id IN ({due})",
            "DELETE FROM core_historyentry WHERE partner_id = ANY(%(ids)s) "
            "AND summary LIKE 'Renewal on %%'",
        ):
            cursor.execute(statement, {"ids": ids})
        cursor.execute(
            f"""
            UPDATE companies_company c SET status = 'complete', permitted_users = a.total_users,
                fee_seats = a.total_users, fee_products = ' RR1 RR2 ', fees_currency = 'USD',
                monthly_fees = l.payment, renews_on = %(today)s, commitment_ends_on = %(today)s,
                next_billing_date = %(today)s
            FROM companies_agreement a, companies_agreementline l
            WHERE a.company_id = c.id AND a.version = 1 AND l.agreement_id = a.id
                AND l.code = 'RR1' AND c.id IN ({due})
            """,
            {"ids": ids, "today": TODAY},
        )
        cursor.execute(
            "SELECT count(*) FROM companies_company WHERE status = 'complete' "
            "AND renews_on <= %(today)s AND partner_id = ANY(%(ids)s)",
            {"ids": ids, "today": TODAY},
        )
        count = cursor.fetchone()[0]
        cursor.execute(due, {"ids": ids})
        companies = [row[0] for row in cursor.fetchall()]
    # Their figures as the services counted them (written by SQL here): the run then counts
    # only what the renewals change, as it does in production.
    figures_refresh(companies)
    with connection.cursor() as cursor:
        for table in ("companies_company", "companies_agreement", "renewals_renewalchange"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return count


# -- Measuring ------------------------------------------------------------------------------


def timed(today: datetime.date, batch: int) -> tuple[int, float, Statements]:
    from unittest import mock

    from django.db import connection

    from portal.core import bulk
    from portal.renewals.run import renewals_run

    statements = Statements()
    insert_rows = bulk.insert_rows

    def copy(model, columns, rows):
        # COPY goes to psycopg's cursor, past Django's execute wrappers: counted here.
        statements.kinds["COPY" if connection.vendor == "postgresql" else "INSERT"] += 1
        return insert_rows(model, columns, rows)

    with connection.execute_wrapper(statements), mock.patch.object(bulk, "insert_rows", copy):
        started = time.perf_counter()
        renewed = renewals_run(today, batch=batch)
        seconds = time.perf_counter() - started
    return renewed, seconds, statements


def outcome() -> dict[str, int]:
    """What the run made, counted afterwards."""
    from portal.companies.models import Agreement, Company
    from portal.renewals.models import RenewalChange
    from portal.sync.models import ProvisioningRequest

    ids = partner_ids()
    mine = {"company__partner_id__in": ids}
    return {
        "new versions": Agreement.objects.filter(version=2, **mine).count(),
        "former customers": Company.objects.filter(partner_id__in=ids, status="former").count(),
        "requests renewal": ProvisioningRequest.objects.filter(action="renewal", **mine).count(),
        "requests end": ProvisioningRequest.objects.filter(action="end", **mine).count(),
        "changes applied": RenewalChange.objects.filter(status="applied", **mine).count(),
        "changes moot": RenewalChange.objects.filter(status="cancelled", **mine).count(),
    }


def main(args: argparse.Namespace) -> int:
    configure()
    from django.db import connection

    from portal.renewals.run import BATCH

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only.")
    batch = args.batch or BATCH
    if not loaded(args.customers, args.due):
        print(f"loading {args.customers:,} subscriptions, {args.due:,} of them due ...", flush=True)
        load(args.customers, args.due)
    due = reset()
    # A worker imported the URLs (the requests' callback_url) long before its first run: so
    # does this process, outside the time measured.
    from django.urls import reverse

    reverse("sync:callback")
    renewed, seconds, statements = timed(TODAY, batch)
    batches = math.ceil(renewed / batch)
    made = outcome()
    print(f"subscriptions         {args.customers:,}")
    print(f"due                   {due:,}")
    print(f"renewed               {renewed:,}   ({made})")
    print(f"seconds               {seconds:.2f}   (target <= {TARGET_SECONDS:.0f})")
    print(f"statements            {statements.total:,}   ({dict(statements.kinds.most_common())})")
    print(
        f"statements per batch  {statements.total / max(batches, 1):.1f}   "
        f"({batches} batches of {batch:,} customers, and the last look-up)"
    )
    again, idle, idle_statements = timed(TODAY, batch)
    print(
        f"nothing left due      {again} renewed, {idle * 1000:.1f} ms, "
        f"{idle_statements.total} statements"
    )
    ok = renewed == due and seconds <= TARGET_SECONDS and again == 0
    ok = ok and made["requests renewal"] + made["requests end"] == due
    # Bounded: a fixed number per batch, never one per customer.
    ok = ok and statements.total <= 40 * (batches + 1) and idle_statements.total == 1
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
