"""Time the reminders job among 1,000,000 customers' commitment terms, on PostgreSQL.

    python bench/reminders.py [--customers N] [--due N] [--batch N]
    python bench/run.py reminders

The data: 1,000,000 Complete customers over a few partners, each with an Active agreement of
one product on a 1-year commitment whose term ends on a day spread over the year ahead, and
10,000 of them (every 100th) with a reminder due on the benchmark's day: a quarter each with
a term ending in 60, 30 and 7 days, and a quarter whose renewal deadline (the product's day
before the term end) is in 2 days. The other terms end on the other days of the year. Each
partner has an Admin and an implementation lead, who get every reminder by e-mail (one e-mail
to both per reminder). It is loaded once with server-side SQL (INSERT ... SELECT over
generate_series) and kept, and then the job is run, untimed, for the two days before the
benchmark's day, as the scheduler would have: the terms a reminder's catch-up window still
reaches were reminded on those days. Before each timed run the benchmark day's reminders, and
every e-mail, history entry and task the job wrote, are deleted.

Reported: the reminders due, how many were sent, the seconds of ``reminders_send(today)``, its
SQL statements by kind (counted with ``connection.execute_wrapper``) and per batch; then a
second run that sends nothing. Target: <= 20 s, a bounded number of statements per batch.

Database: ``BENCH_DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/
portal_bench_reminders`` (created if missing; its name must contain "bench"). Its own partners
("Reminders Bench Partner N"), users and product (RB1) only.
"""

import argparse
import datetime
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_reminders"
PARTNER_PREFIX = "Reminders Bench Partner"
PARTNERS = 5
TODAY = datetime.date(2026, 9, 1)
TARGET_SECONDS = 20.0
CODE, NAME, PRICE = "RB1", "Reminders Bench Suite", "3.2000"
# Days left of the due customers' terms: ending in 60, 30, 7 days, and the renewal deadline
# (a day before the term end) in 2 days.
DUE_OFFSETS = [60, 30, 7, 3]
WARM_UP_DAYS = 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000, help="of them, a reminder due today")
    parser.add_argument("--batch", type=int, default=None, help="reminders per transaction")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
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
    # The URLconf is imported by the first reverse() of a process (WeasyPrint's fonts: a few
    # seconds, once per worker): not the job's time.
    from django.urls import reverse

    reverse("home")


# -- The data -------------------------------------------------------------------------------


def partner_ids() -> list[int]:
    from portal.accounts.models import Partner

    return list(
        Partner.objects.filter(name__startswith=PARTNER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def loaded(customers: int) -> bool:
    from portal.companies.models import Company
    from portal.reminders.models import Reminder

    partners = partner_ids()
    return (
        len(partners) == PARTNERS
        and Company.objects.filter(partner_id__in=partners).count() == customers
        and Reminder.objects.filter(partner_id__in=partners, sent_on__lt=TODAY).exists()
    )


def spread_offsets() -> list[int]:
    """The days left of the other customers' terms: every day of the year but the due ones."""
    return [day for day in range(1, 366) if day not in DUE_OFFSETS]


def load(customers: int, due: int) -> None:
    """Partners, users and the product through the ORM; customers, versions and lines with
    INSERT ... SELECT, in one transaction; then the warm-up runs of the job."""
    from django.db import connection, transaction

    from portal.accounts.models import Partner, User
    from portal.catalog.models import ContractedPrice, Product

    every = customers // due
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        old = partner_ids()
        if old:
            for statement in (
                "DELETE FROM reminders_recipient WHERE reminder_id IN "
                "(SELECT id FROM reminders_reminder WHERE partner_id = ANY(%s))",
                "DELETE FROM reminders_reminder WHERE partner_id = ANY(%s)",
                "DELETE FROM companies_agreementline WHERE agreement_id IN (SELECT a.id FROM "
                "companies_agreement a JOIN companies_company c ON c.id = a.company_id "
                "WHERE c.partner_id = ANY(%s))",
                "DELETE FROM companies_agreement WHERE company_id IN "
                "(SELECT id FROM companies_company WHERE partner_id = ANY(%s))",
                "DELETE FROM core_historyentry WHERE partner_id = ANY(%s)",
                "DELETE FROM core_outgoingmessage WHERE partner_id = ANY(%s)",
                "DELETE FROM companies_company WHERE partner_id = ANY(%s)",
                "DELETE FROM accounts_user WHERE partner_id = ANY(%s)",
                "DELETE FROM catalog_contractedprice WHERE partner_id = ANY(%s)",
            ):
                cursor.execute(statement, [old])
            Partner.products.through.objects.filter(partner_id__in=old).delete()
            Partner.objects.filter(pk__in=old).delete()
        partners = Partner.objects.bulk_create(
            Partner(name=f"{PARTNER_PREFIX} {n}", msa_version="bench") for n in range(PARTNERS)
        )
        product, _ = Product.objects.update_or_create(
            code=CODE,
            defaults={"name": NAME, "kind": Product.Kind.PRIMARY, "renewal_deadline_days": 1},
        )
        leads = []
        for n, partner in enumerate(partners):
            partner.products.add(product)
            ContractedPrice.objects.create(
                partner=partner,
                product=product,
                term=product.term,
                min_quantity=1,
                unit_price=PRICE,
                effective_from=datetime.date(2025, 1, 1),
            )
            User.objects.create_user(
                f"admin{n}@reminders-bench.example",
                None,
                partner=partner,
                role=User.Role.ADMIN,
            )
            leads.append(
                User.objects.create_user(
                    f"lead{n}@reminders-bench.example",
                    None,
                    partner=partner,
                    role=User.Role.SALES,
                    is_implementation_lead=True,
                ).pk
            )
        ids = [p.pk for p in partners]
        from take_effect import TABLES, _indexes_dropped

        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rebuild = _indexes_dropped(cursor, TABLES)
        # Customer g: partner g % PARTNERS; its term ends DUE_OFFSETS[(g / every) % 4] days
        # after today when g is a multiple of every, else on one of the other days.
        cursor.execute(
            """
            INSERT INTO companies_company (partner_id, status, company_type, name, domain,
                website, sector, lead_name, implementation_lead_id, permitted_users,
                next_billing_date, fee_products, fee_seats, monthly_fees, fees_currency,
                commitment_ends_on, renews_on, created_at, updated_at)
            SELECT (%(ids)s::bigint[])[1 + g %% %(partners)s], 'complete', 'end_customer',
                'Reminders Customer ' || g, 'rb' || g || '.bench.example', '', '', '',
                (%(leads)s::bigint[])[1 + g %% %(partners)s], 50 + g %% 451, %(today)s,
                ' RB1 ', 50 + g %% 451, (50 + g %% 451) * 3.20, 'USD', ends, ends, now(), now()
            FROM generate_series(1, %(customers)s) AS g,
                LATERAL (SELECT %(today)s::date + CASE WHEN g %% %(every)s = 0
                    THEN (%(due)s::int[])[1 + (g / %(every)s) %% 4]
                    ELSE (%(spread)s::int[])[1 + g %% %(spread_n)s] END AS ends) AS term
            """,
            {
                "ids": ids,
                "leads": leads,
                "partners": PARTNERS,
                "today": TODAY,
                "customers": customers,
                "every": every,
                "due": DUE_OFFSETS,
                "spread": spread_offsets(),
                "spread_n": len(spread_offsets()),
            },
        )
        print(f"  {customers:,} customers in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute(
            """
            INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
                reason, created_at, activated_at, effective_from)
            SELECT id, 1, 'active', permitted_users, 'USD', '', now(), now(),
                commitment_ends_on - interval '1 year'
            FROM companies_company WHERE partner_id = ANY(%(ids)s)
            """,
            {"ids": ids},
        )
        cursor.execute(
            """
            INSERT INTO companies_agreementline (agreement_id, product_id, code, name, term,
                charge, quantity, unit_price, payment, commitment, billing, term_start,
                term_end, auto_renew)
            SELECT a.id, %(product)s, %(code)s, %(name)s, 'monthly', 'per_seat',
                a.total_users, %(price)s, a.total_users * %(price)s::numeric, '1y', 'monthly',
                c.commitment_ends_on - interval '1 year', c.commitment_ends_on, true
            FROM companies_agreement a JOIN companies_company c ON c.id = a.company_id
            WHERE c.partner_id = ANY(%(ids)s)
            """,
            {"ids": ids, "product": product.pk, "code": CODE, "name": NAME, "price": PRICE},
        )
        print(f"  agreements and lines in {time.perf_counter() - started:.1f} s", flush=True)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for statement in rebuild:
            cursor.execute(statement)
        print(f"  indexes in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    from portal.reminders.send import reminders_send

    for back in range(WARM_UP_DAYS, 0, -1):
        day = TODAY - datetime.timedelta(days=back)
        sent = reminders_send(day)
        print(f"  warm-up: {sent:,} reminders sent on {day}", flush=True)
    print(f"loaded in {time.perf_counter() - started:.1f} s", flush=True)


def reset() -> int:
    """Forget the benchmark day's reminders and everything the job wrote; how many are due."""
    from django.db import connection, transaction

    from portal.companies.models import Company

    ids = partner_ids()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (
            "DELETE FROM reminders_recipient WHERE reminder_id IN (SELECT id FROM "
            "reminders_reminder WHERE partner_id = ANY(%(ids)s) AND sent_on = %(today)s)",
            "DELETE FROM reminders_reminder WHERE partner_id = ANY(%(ids)s) "
            "AND sent_on = %(today)s",
            "DELETE FROM core_outgoingmessage WHERE partner_id = ANY(%(ids)s)",
            "DELETE FROM core_historyentry WHERE partner_id = ANY(%(ids)s)",
            "DELETE FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE 'portal.core.tasks.deliver_message%%' AND status = 'READY'",
        ):
            cursor.execute(statement, {"ids": ids, "today": TODAY})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminder")
    on = [TODAY + datetime.timedelta(days=d) for d in DUE_OFFSETS]
    return Company.objects.filter(partner_id__in=ids, commitment_ends_on__in=on).count()


# -- Measuring ------------------------------------------------------------------------------


def timed(batch: int):
    from django.db import connection
    from take_effect import Statements

    from portal.reminders.send import reminders_send

    statements = Statements()
    # Rows written with COPY (core.bulk) go past Django's cursor wrapper: count them too.
    import portal.core.bulk as bulk

    insert_rows = bulk.insert_rows

    def counted(model, columns, rows):
        statements.kinds["COPY" if connection.vendor == "postgresql" else "INSERT"] += 1
        return insert_rows(model, columns, rows)

    bulk.insert_rows = counted
    for module in ("portal.core.outbox.mail", "portal.reminders.send"):
        sys.modules[module].insert_rows = counted
    with connection.execute_wrapper(statements):
        started, cpu = time.perf_counter(), time.process_time()
        sent = reminders_send(TODAY, batch=batch)
        seconds = time.perf_counter() - started
    statements.cpu = time.process_time() - cpu
    for module in ("portal.core.outbox.mail", "portal.reminders.send"):
        sys.modules[module].insert_rows = insert_rows
    bulk.insert_rows = insert_rows
    return sent, seconds, statements


def main(args: argparse.Namespace) -> int:
    configure()
    from django.db import connection

    from portal.core.outbox.models import OutgoingMessage
    from portal.reminders.send import BATCH

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only.")
    batch = args.batch or BATCH
    if not loaded(args.customers):
        print(f"loading {args.customers:,} customers, {args.due:,} of them due ...", flush=True)
        load(args.customers, args.due)
    due = reset()
    sent, seconds, statements = timed(batch)
    batches = math.ceil(sent / batch)
    mails = OutgoingMessage.objects.filter(partner_id__in=partner_ids()).count()
    print(f"customers             {args.customers:,}")
    print(f"due                   {due:,}")
    print(f"sent                  {sent:,}   ({mails:,} e-mails)")
    print(f"seconds               {seconds:.2f}   (target <= {TARGET_SECONDS:.0f})")
    # The machine may be shared: the job's own CPU time, and the load, tell how much of the
    # wall time was waiting for a core.
    print(
        f"cpu seconds (job)     {statements.cpu:.2f}   "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"statements            {statements.total:,}   ({dict(statements.kinds.most_common())})")
    print(
        f"statements per batch  {statements.total / max(batches, 1):.1f}   "
        f"({batches} batches of up to {batch:,} reminders, and the look-ups of the six kinds)"
    )
    again, idle, idle_statements = timed(batch)
    print(
        f"nothing left due      {again} sent, {idle * 1000:.1f} ms, "
        f"{idle_statements.total} statements"
    )
    ok = sent == due and seconds <= TARGET_SECONDS and again == 0
    ok = ok and statements.total <= 25 * (batches + 1) + 10
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
