"""Time Customers | Reconciliation for an MSP with 10,000 customers: reconciling them after a
usage report (``refresh_due``), then server time per page and SQL queries per page.

    python bench/reconciliation_page.py [--repeat N] [--customers N]
    python bench/run.py reconciliation_page

PostgreSQL only, in its own database ``portal_bench_reconciliation``
(BENCH_RECONCILIATION_DATABASE_URL; the name must contain ``bench``, since the benchmark
empties it before loading). Loaded once and kept: 20 partners (``generate.py``'s, with their
Admin and implementation leads); the partner measured has 10,000 Complete customers and 2,000
prospects, the 19 others 3,000 customers and 1,000 prospects each (names as ``generate.py``
makes them, the partners' rows interleaved). Then by ``INSERT … SELECT``: each customer an
Active agreement of 1–3 per-seat products (BS1 for 4 in 5, BA1 for 3 in 5, BR1 for 1 in 7) at
its partner's contracted prices; 10 days of usage figures per customer and product (a fifth
above licensed, a quarter below, the rest in step; every 50th customer also reports a product
it has no licence for); billed seats for most (every 10th customer none; every third a few
seats short of licensed); the price book's selling prices (a customer's own for every 100th).
Every customer is reconciled at load.

Each run, the partner measured is reconciled again, timed: from nothing (its rows deleted, its
10,000 customers marked due), after a usage report that changed every latest figure (twice: one
seat more, then back), and with nothing changed. Then each variant of the page is requested in
process with Django's test client as an Admin of that partner, with the clock at the data's day
(time_machine): the default sort (money at stake), page 2, a deep page, each "show", a product,
a common and a rare search, the name sort both ways (and its middle page), licensed both ways,
used, billed and product, a lead, and the CSV export's first bytes (its first 500 rows and the
whole file are printed too, not held to the target); Customers | Complete's first page for the
same MSP is measured before and after as a yardstick. Target: p95 <= 100 ms for every variant.
The queries of the slowest variant are printed, dearest first, with the plans of the three
dearest (BENCH_EXPLAIN=all: every variant's).
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.prospect_list import (  # noqa: E402  (after sys.path is set)
    WARMUP,
    configure,
    measure,
    percentile,
)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_reconciliation"
URL = "/customers/reconciliation/"
CSV_URL = "/customers/reconciliation/export.csv"
YARDSTICK = "/customers/complete/"
TARGET_P95_MS = 100.0
DATA_VERSION = "bench-reconciliation-1"  # bump to have the data loaded again
PARTNERS, OTHER_CUSTOMERS, PROSPECTS, OTHER_PROSPECTS = 20, 3_000, 2_000, 1_000
DAYS = 10
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
# Contracted prices (all units at the tier the seats fall in), the same for every partner.
TIERS = {"BS1": ("4.50", "4.20", "3.95"), "BA1": ("1.75", "1.60", "1.50"), "BR1": ("6.00",) * 3}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 30)))
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument(
        "--explain",
        choices=["slowest", "all"],
        default=os.environ.get("BENCH_EXPLAIN", "slowest"),
    )
    args, extra = parser.parse_known_args()
    if unknown := [arg for arg in extra if arg.startswith("-")]:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


# -- The data, loaded once ------------------------------------------------------------------


def present(customers: int) -> bool:
    from portal.accounts.models import Partner
    from portal.companies.models import Company
    from portal.usage.models import Reconciliation

    partners = list(
        Partner.objects.filter(msa_version=DATA_VERSION).order_by("name").values_list("pk")
    )
    if len(partners) != PARTNERS:
        return False
    complete = Company.objects.filter(status=Company.Status.COMPLETE)
    return (
        complete.filter(partner_id=partners[0][0]).count() == customers
        and complete.count() == customers + (PARTNERS - 1) * OTHER_CUSTOMERS
        and Reconciliation.objects.exclude(partner_id=partners[0][0]).exists()
    )


def load(customers: int) -> None:
    from django.db import connection, transaction

    from bench.generate import Size, _partners_and_users
    from portal.accounts.models import Partner
    from portal.usage.reconciliation import refresh_due

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_partner, catalog_product, companies_company, accounts_user, "
            "usage_usagefigure, usage_usagereport, usage_billedseats, usage_reconciliation, "
            "usage_reconciliationdue RESTART IDENTITY CASCADE"
        )
    leads = _partners_and_users(Size(PARTNERS, 0, 0))
    Partner.objects.update(msa_version=DATA_VERSION)
    _companies(customers, leads)
    with transaction.atomic(), connection.cursor() as cursor:
        _prices(cursor)
        _agreements(cursor)
        _usage(cursor)
        _billed(cursor)
        _selling_prices(cursor)
        # Every customer due, as their versions and the usage reports marked them.
        cursor.execute(
            "INSERT INTO usage_reconciliationdue (company_id, partner_id) "
            "SELECT id, partner_id FROM companies_company WHERE status = 'complete'"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    refresh_due()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _companies(customers: int, leads) -> None:
    """The partners' companies, their rows interleaved as years of use would store them."""
    from django.db import connection, transaction

    from bench.generate import NOW as MADE
    from bench.generate import REGIONS, SEED, TLDS, _name

    rng = random.Random(SEED)
    order = [(0, True)] * customers + [(0, False)] * PROSPECTS
    for index in range(1, PARTNERS):
        order += [(index, True)] * OTHER_CUSTOMERS + [(index, False)] * OTHER_PROSPECTS
    rng.shuffle(order)
    names: list[set[str]] = [set() for _ in leads]
    domains: set[str] = set()
    columns = (
        "partner_id, status, company_type, name, domain, website, sector, "
        "implementation_lead_id, lead_name, permitted_users, next_billing_date, created_at, "
        "updated_at"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(f"COPY companies_company ({columns}) FROM STDIN") as copy:
            for index, customer in order:
                partner_id, partner_leads = leads[index]
                name = _name(rng)
                while name.lower() in names[index]:
                    name = f"{name} {rng.choice(REGIONS)}"
                names[index].add(name.lower())
                stem = re.sub(r"[^a-z0-9]+", "", " ".join(name.lower().split()[:2]))
                tld = rng.choice(TLDS)
                domain, n = f"{stem}{tld}", 1
                while domain in domains:
                    n += 1
                    domain = f"{stem}{n}{tld}"
                domains.add(domain)
                lead_id, lead_name = (
                    rng.choice(partner_leads) if rng.random() < 0.85 else (None, "")
                )
                copy.write_row(
                    (
                        partner_id,
                        "complete" if customer else "prospect",
                        "end_customer",
                        name,
                        domain,
                        "",
                        "",
                        lead_id,
                        lead_name,
                        min(20_000, max(1, int(rng.lognormvariate(4, 1.2)))),
                        TODAY + datetime.timedelta(days=rng.randrange(1, 31)) if customer else None,
                        MADE,
                        MADE,
                    )
                )


def _prices(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO catalog_contractedprice (partner_id, product_id, term, min_quantity,
            unit_price, effective_from)
        SELECT pa.id, p.id, 'monthly', t.minimum, t.price, %s
        FROM accounts_partner pa CROSS JOIN catalog_product p
        JOIN (VALUES """
        + ", ".join(
            f"('{code}', {minimum}, {price})"
            for code, prices in TIERS.items()
            for minimum, price in zip((1, 250, 500), prices, strict=True)
        )
        + """) t (code, minimum, price) ON t.code = p.code
        """,
        [TODAY - datetime.timedelta(days=900)],
    )
    cursor.execute("UPDATE catalog_product SET kind = 'addon' WHERE code IN ('BA1', 'BR1')")


def _agreements(cursor) -> None:
    """One Active version a customer, its lines the per-seat products chosen by its id."""
    cursor.execute(
        """
        INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
            reason, created_at, activated_at, effective_from)
        SELECT id, 1, 'active', 5 + ((id * 7919) %% 97) * ((id * 31) %% 5 + 1), 'USD', '',
            now(), now(), %s
        FROM companies_company WHERE status = 'complete'
        """,
        [TODAY - datetime.timedelta(days=200)],
    )
    cursor.execute(
        """
        INSERT INTO companies_agreementline (agreement_id, product_id, code, name, term, charge,
            quantity, unit_price, payment, commitment, billing, term_start, term_end,
            auto_renew)
        SELECT a.id, p.id, p.code, p.name, 'monthly', 'per_seat', a.total_users, cp.unit_price,
            round(cp.unit_price * a.total_users, 2), '1y', 'monthly', e.ends - 365, e.ends,
            true
        FROM companies_agreement a
        JOIN companies_company c ON c.id = a.company_id
        JOIN catalog_product p ON (p.code = 'BS1' AND a.company_id %% 5 <> 0)
            OR (p.code = 'BA1' AND a.company_id %% 5 IN (0, 2, 4))
            OR (p.code = 'BR1' AND a.company_id %% 7 = 0)
        JOIN LATERAL (
            SELECT unit_price FROM catalog_contractedprice
            WHERE partner_id = c.partner_id AND product_id = p.id
              AND min_quantity <= a.total_users
            ORDER BY min_quantity DESC LIMIT 1
        ) cp ON true
        CROSS JOIN LATERAL (SELECT %s::date + ((a.company_id * 7919) %% 365)::int AS ends) e
        """,
        [TODAY],
    )
    cursor.execute(
        """
        UPDATE companies_company c SET fee_products = l.codes, fee_seats = l.seats,
            monthly_fees = l.fees, fees_currency = 'USD', renews_on = l.ends,
            commitment_ends_on = l.ends
        FROM (SELECT a.company_id, ' ' || string_agg(l.code, ' ' ORDER BY l.code) || ' '
                  AS codes, max(l.quantity) AS seats, sum(l.payment) AS fees,
                  min(l.term_end) AS ends
              FROM companies_agreementline l JOIN companies_agreement a ON a.id = l.agreement_id
              GROUP BY a.company_id) l
        WHERE c.id = l.company_id
        """
    )


# Per customer and product: 0–3 of 20 above licensed, 4–8 below, the rest in step (the days
# before the latest wander a seat or two).
SHAPE = "((a.company_id * 3 + l.product_id) %% 20)"


def _usage(cursor) -> None:
    cursor.execute(
        "INSERT INTO usage_usagereport (report_id, reported_at, received_at, figures, source) "
        "VALUES (gen_random_uuid(), %s, %s, 0, 'vendor') RETURNING id",
        [NOW - datetime.timedelta(hours=4), NOW - datetime.timedelta(hours=4)],
    )
    (report,) = cursor.fetchone()
    last = TODAY - datetime.timedelta(days=1)
    cursor.execute(
        f"""
        INSERT INTO usage_usagefigure (company_id, product_id, day, in_use, reported_at,
            report_id)
        SELECT a.company_id, l.product_id, %s::date - d, greatest(0, l.quantity
            + CASE WHEN {SHAPE} < 4 THEN 1 + (a.company_id * 13) %% 25
                   WHEN {SHAPE} < 9 THEN -(1 + (a.company_id * 17) %% 40)
                   ELSE 0 END
            + CASE WHEN d = 0 THEN 0 ELSE (a.company_id + d) %% 3 - 1 END),
            %s, %s
        FROM companies_agreementline l
        JOIN companies_agreement a ON a.id = l.agreement_id
        CROSS JOIN generate_series(0, %s) d
        """,
        [last, NOW - datetime.timedelta(hours=4), report, DAYS - 1],
    )
    # Every 50th customer also reports BR1 without a licence for it.
    cursor.execute(
        """
        INSERT INTO usage_usagefigure (company_id, product_id, day, in_use, reported_at,
            report_id)
        SELECT c.id, p.id, %s::date - d, 3 + c.id %% 10, %s, %s
        FROM companies_company c
        JOIN catalog_product p ON p.code = 'BR1'
        CROSS JOIN generate_series(0, %s) d
        WHERE c.status = 'complete' AND c.id %% 50 = 1 AND c.id %% 7 <> 0
        """,
        [last, NOW - datetime.timedelta(hours=4), report, DAYS - 1],
    )
    cursor.execute(
        "UPDATE usage_usagereport SET figures = (SELECT count(*) FROM usage_usagefigure) "
        "WHERE id = %s",
        [report],
    )


def _billed(cursor) -> None:
    """The PSA's billed seats: every 10th customer none; every third a few seats short."""
    cursor.execute(
        """
        INSERT INTO usage_billedseats (company_id, product_id, seats, source, entered_at)
        SELECT a.company_id, l.product_id,
            greatest(0, l.quantity - CASE WHEN a.company_id %% 3 = 0 THEN 5 ELSE 0 END),
            'uploaded', %s
        FROM companies_agreementline l
        JOIN companies_agreement a ON a.id = l.agreement_id
        WHERE a.company_id %% 10 <> 7
        """,
        [NOW - datetime.timedelta(days=3)],
    )


def _selling_prices(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO pricebook_sellingprice (partner_id, product_id, company_id, basis, amount,
            updated_at)
        SELECT pa.id, p.id, NULL, CASE p.code WHEN 'BA1' THEN 'price' ELSE 'markup' END,
            CASE p.code WHEN 'BA1' THEN 2.50 ELSE 25 END, now()
        FROM accounts_partner pa JOIN catalog_product p ON p.code IN ('BS1', 'BA1')
        UNION ALL
        SELECT c.partner_id, p.id, c.id, 'markup', 15, now()
        FROM companies_company c JOIN catalog_product p ON p.code = 'BS1'
        WHERE c.status = 'complete' AND c.id % 100 = 0
        """
    )


# -- Reconciling, timed ---------------------------------------------------------------------


def reconcile(partner, ids: list[int]) -> list[tuple[str, float, int, Counter]]:
    """The partner's customers reconciled again, timed: from nothing, after a usage report
    (one seat more in every latest figure, then back again), with nothing changed."""
    from django.db import connection, transaction

    from portal.usage.models import Reconciliation
    from portal.usage.reconciliation import mark_due, refresh_due

    last = TODAY - datetime.timedelta(days=1)

    def report(change: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE usage_usagefigure f SET in_use = in_use + %s FROM companies_company c "
                "WHERE c.id = f.company_id AND c.partner_id = %s AND f.day = %s",
                [change, partner.pk, last],
            )

    def forget() -> None:
        Reconciliation.objects.filter(partner=partner).delete()

    steps = [
        ("from nothing (its rows deleted)", forget),
        ("after a usage report (+1 seat each)", lambda: report(1)),
        ("after a usage report (back again)", lambda: report(-1)),
        ("nothing changed", lambda: None),
    ]
    timed = []
    for label, before in steps:
        before()
        with transaction.atomic():
            mark_due(ids)
        statements: Counter = Counter()

        def count(execute, sql, params, many, context, statements=statements):
            statements[sql.lstrip().split(None, 1)[0].upper()] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            start = time.perf_counter()
            done = refresh_due(partner.pk)
            seconds = time.perf_counter() - start
        timed.append((label, seconds, done, statements))
    # As autovacuum would after such churn (the due rows are all deleted again).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE usage_reconciliation, usage_reconciliationdue")
    return timed


# -- The page, timed ------------------------------------------------------------------------


def variants(deep: int, lead_id: int) -> list[tuple[str, dict]]:
    return [
        ("default (sort: money at stake)", {}),
        ("page 2", {"page": 2}),
        (f"deep page {deep} (the middle)", {"page": deep}),
        ("show=drift (any difference)", {"show": "drift"}),
        ("show=above (true-up due)", {"show": "above"}),
        ("show=below (shelfware)", {"show": "below"}),
        ("show=unbilled (not billed)", {"show": "unbilled"}),
        ("product=BR1", {"product": "BR1"}),
        ("product=BS1, show=above", {"product": "BS1", "show": "above"}),
        ("search q=ver (common)", {"q": "ver"}),
        ("search q=xen (rare)", {"q": "xen"}),
        ("sort name", {"sort": "name"}),
        ("sort -name", {"sort": "-name"}),
        (f"sort name, deep page {deep}", {"sort": "name", "page": deep}),
        ("sort licensed", {"sort": "licensed"}),
        ("sort -licensed", {"sort": "-licensed"}),
        ("sort -used", {"sort": "-used"}),
        ("sort billed", {"sort": "billed"}),
        ("sort product", {"sort": "product"}),
        ("lead", {"lead": str(lead_id)}),
        ("lead, show=below, sort name", {"lead": str(lead_id), "show": "below", "sort": "name"}),
    ]


def measure_csv(client, params: dict, repeat: int) -> dict:
    """The CSV export, p50/p95 of: its first bytes (the response and its header line, what
    starts the download), its first rows (the next chunk, 500 lines: the query has run) and
    the whole file; and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once() -> tuple[float, float, float, int]:
        start = time.perf_counter()
        response = client.get(CSV_URL, params)
        if response.status_code != 200:
            raise SystemExit(f"GET {CSV_URL} {params} answered {response.status_code}")
        chunks = iter(response.streaming_content)
        size = len(next(chunks))
        first = (time.perf_counter() - start) * 1000
        size += len(next(chunks, b""))
        rows = (time.perf_counter() - start) * 1000
        size += sum(len(chunk) for chunk in chunks)
        response.close()
        return first, rows, (time.perf_counter() - start) * 1000, size

    for _ in range(WARMUP):
        once()
    samples = [once() for _ in range(repeat)]
    with CaptureQueriesContext(connection) as captured:
        *_, size = once()
    firsts, rows, wholes = ([sample[n] for sample in samples] for n in range(3))
    return {
        "p50": statistics.median(firsts),
        "p95": percentile(firsts, 0.95),
        "rows_p50": statistics.median(rows),
        "rows_p95": percentile(rows, 0.95),
        "whole_p50": statistics.median(wholes),
        "whole_p95": percentile(wholes, 0.95),
        "bytes": size,
        "queries": len(captured.captured_queries),
        "sql_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
        "sql": [q["sql"] for q in captured.captured_queries],
    }


def line(label: str, result: dict, rows: str = "") -> None:
    print(
        f"{label:44s} {result['p50']:8.1f} {result['p95']:8.1f} {result['queries']:8d} "
        f"{result['sql_ms']:8.1f} {rows:>8s}",
        flush=True,
    )


def yardstick(client, repeat: int, when: str) -> None:
    """Customers | Complete's first page for the same MSP, measured in the same run."""
    line(f"yardstick: {YARDSTICK} first page, {when}", measure(client, YARDSTICK, {}, repeat))


def dearest(label: str, sqls: list[str]) -> None:
    """Every query of the page, the dearest first, and the plans of the three dearest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed = []
    for sql in sqls:
        if sql.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            continue
        with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
            cursor.execute(sql)
        timed.append((float(captured.captured_queries[0]["time"]) * 1000, sql))
    timed.sort(reverse=True)
    print(f"\nqueries of {label!r}, dearest first:")
    for ms, sql in timed:
        print(f"  {ms:7.1f} ms  {' '.join(sql.split())[:160]}")
    for _, sql in timed[:3]:
        if not sql.startswith("SELECT"):
            continue
        print(f"\nplan of {label!r}:\n  {' '.join(sql.split())[:600]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (row,) in cursor.fetchall():
                print("    " + row)


def main() -> int:
    args = parse_args()
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "BENCH_RECONCILIATION_DATABASE_URL", DEFAULT_PG_URL
    )
    configure("postgres")

    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.generate import admin_email
    from portal.accounts.models import Partner, User
    from portal.companies.models import Company
    from portal.customers.reconciliation import PER_PAGE
    from portal.usage.models import Reconciliation, UsageFigure

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not present(args.customers):
        start = time.perf_counter()
        with time_machine.travel(NOW, tick=True):
            load(args.customers)
        print(f"loaded (and every customer reconciled) in {time.perf_counter() - start:.0f} s")
    admin = User.objects.get(email=admin_email(0))
    partner = Partner.objects.get(pk=admin.partner_id)
    ids = list(
        Company.objects.filter(partner=partner, status=Company.Status.COMPLETE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    print(
        f"data: {PARTNERS} partners; the one measured has {len(ids):,} Complete customers "
        f"(and {PROSPECTS:,} prospects), {PARTNERS - 1} others {OTHER_CUSTOMERS:,} customers "
        f"and {OTHER_PROSPECTS:,} prospects each; {UsageFigure.objects.count():,} usage figures "
        f"({DAYS} days), {Reconciliation.objects.count():,} reconciliation rows in all"
    )

    print(f"\nrefresh_due({partner.pk}): the {len(ids):,} customers marked due, reconciled")
    with time_machine.travel(NOW, tick=True):
        timed = reconcile(partner, ids)
    for label, seconds, done, statements in timed:
        print(
            f"  {label:38s} {seconds:6.2f} s  {done:,} customers  "
            f"{sum(statements.values()):4d} statements ({dict(sorted(statements.items()))})",
            flush=True,
        )

    mine = Reconciliation.objects.filter(partner=partner)
    count = mine.count()
    # The middle page is the dearest: a later one is read from the other end (core.lists).
    deep = max(3, -(-count // PER_PAGE) // 2)
    print(
        f"\n{URL}: {count:,} rows ({mine.filter(above__gt=0).count():,} above, "
        f"{mine.filter(below__gt=0).count():,} below, {mine.filter(unbilled__gt=0).count():,} "
        f"not billed); {args.repeat} requests per variant after {WARMUP} to warm up; ms"
    )
    lead = User.objects.filter(partner=partner, is_implementation_lead=True).order_by("pk").first()
    results = {}
    with time_machine.travel(NOW, tick=True):
        client = Client(raise_request_exception=False)
        client.force_login(admin)
        heads = ("p50", "p95", "queries", "SQL ms", "rows")
        print(f"{'variant':44s} " + " ".join(f"{head:>8s}" for head in heads))
        yardstick(client, args.repeat, "before")
        for label, params in variants(deep, lead.pk):
            result = results[label] = measure(client, URL, params, args.repeat)
            response = client.get(URL, params)
            shown = re.search(r"of (?:the first )?([\d,]+) rows?", response.content.decode())
            line(label, result, shown.group(1) if shown else "0")
        result = results["CSV export, first bytes"] = measure_csv(client, {}, args.repeat)
        line("CSV export, first bytes", result, f"{count:,}")
        for what, key in (("first 500 rows", "rows"), ("whole file", "whole")):
            print(
                f"{'CSV export, ' + what:44s} {result[key + '_p50']:8.1f} "
                f"{result[key + '_p95']:8.1f}   (not held to the target"
                + (f"; {result['bytes']:,} bytes)" if key == "whole" else ")")
            )
        yardstick(client, args.repeat, "after")

    worst = max(results, key=lambda label: results[label]["p95"])
    for label, result in results.items():
        if args.explain == "all" or label == worst:
            dearest(label, result["sql"])
    over = [label for label, result in results.items() if result["p95"] > TARGET_P95_MS]
    print(
        f"\n{'PASS' if not over else 'FAIL'}: {URL} p95 <= {TARGET_P95_MS:.0f} ms for every "
        f"variant (PostgreSQL, {len(ids):,} customers); slowest {worst!r} p95 "
        f"{results[worst]['p95']:.1f} ms" + (f"; over: {', '.join(over)}" if over else "")
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
