"""Time the Prospect List at scale, on screen and through the API: server time per page and
SQL queries per page.

    python bench/prospect_list.py [--db postgres|sqlite|all] [--repeat N]
    python bench/run.py prospect_list            # both databases (BENCH_DB=... for one)

Data: 100 partners and 1,000,000 prospects on PostgreSQL, one partner holding 100,000 of them;
100 partners and 200,000 prospects (20,000 for the partner measured) on SQLite. It is loaded
once into the benchmark's own database -- PostgreSQL ``portal_bench`` (BENCH_DATABASE_URL),
SQLite ``var/bench.sqlite3`` -- and kept for the next run.

Each variant of the list page (first page, a deep page, a search, a letter, every sort both
ways) is requested in-process with Django's test client as an Admin of the big partner: the
screen (/prospects/, signed in) and the API (/api/v1/prospects/, with a personal token, the same
list parameters). Time is the whole request (middleware, session or token, queries, template or
JSON) around ``client.get``.

Targets (PostgreSQL, 100,000 prospects), for the screen and the API alike: p95 <= 50 ms for
every variant, and a deep page no dearer than twice the first one (median against median).
"""

import argparse
import datetime
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
TARGET_P95_MS = 50.0
DEEP_FACTOR = 2.0
API_URL = "/api/v1/prospects/"
WARMUP = 3
# The query paginate() reads a page's ids with; the count query is the other one it makes.
ID_QUERY = re.compile(r'SELECT "companies_company"\."id"( AS "id")? FROM ')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["postgres", "sqlite", "all"], default=os.environ.get("BENCH_DB", "all")
    )
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 30)))
    parser.add_argument("--partners", type=int, help="override the data set's size")
    parser.add_argument("--total", type=int, help="prospects of all partners together")
    parser.add_argument("--big", type=int, help="prospects of the partner measured")
    parser.add_argument("--customers", type=int, help="Complete customers of that partner")
    parser.add_argument(
        "--explain",
        choices=["slowest", "all"],
        default=os.environ.get("BENCH_EXPLAIN", "slowest"),
        help="print query plans for the slowest variant only, or for every variant",
    )
    # Through bench/run.py (runpy) the arguments are run.py's: the names of the benchmarks.
    args, extra = parser.parse_known_args()
    if unknown := [arg for arg in extra if arg.startswith("-")]:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


# -- One process per database ---------------------------------------------------------------


def run_each(args: argparse.Namespace) -> int:
    """Run this script once per database, each in a fresh process with its own settings."""
    options = ["--repeat", str(args.repeat), "--explain", args.explain]
    for option in ("partners", "total", "big", "customers"):
        if getattr(args, option):
            options += [f"--{option}", str(getattr(args, option))]
    return run_per_database(__file__, args.db, options)


def run_per_database(script: str, db: str, options: list[str]) -> int:
    """Run ``script`` in a fresh process per database ("all": PostgreSQL, then SQLite)."""
    failed = []
    for name in ["postgres", "sqlite"] if db == "all" else [db]:
        print(f"-- {name}", flush=True)
        code = subprocess.call([sys.executable, script, "--db", name, *options], cwd=ROOT)
        if code:
            print(f"-- {name}: FAILED with exit code {code}", flush=True)
            failed.append(name)
    return 1 if failed else 0


def bench_database_url() -> str:
    """The benchmark's PostgreSQL database, created if missing; never the developer's."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
    config = dj_database_url.parse(url)
    name = config["NAME"]
    developers = os.environ.get("DATABASE_URL")
    if "bench" not in name or (developers and dj_database_url.parse(developers)["NAME"] == name):
        # The benchmark empties the database it is given before loading its data.
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
    return url


def configure(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    if db == "postgres":
        os.environ["DATABASE_URL"] = bench_database_url()
    else:
        os.environ.pop("DATABASE_URL", None)
        var = Path(os.environ.get("PORTAL_VAR_DIR", ROOT / "var"))
        var.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_PATH"] = str(var / "bench.sqlite3")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["API_RATE"] = "1000000/min"  # the benchmark's token asks far more than 600/min
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()


# -- Measuring ------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def variants(deep_page: int) -> list[tuple[str, dict]]:
    found = [
        ("first page", {}),
        (f"deep page {deep_page}", {"page": deep_page}),
        ("search q=ver (common)", {"q": "ver"}),
        ("search q=ver, page 2", {"q": "ver", "page": 2}),
        ("search q=xen (rare)", {"q": "xen"}),
        ("letter M", {"letter": "M"}),
        ("letter #", {"letter": "#"}),
    ]
    for key in ["name", "domain", "users", "lead", "provision", "changed"]:
        found += [(f"sort {key}", {"sort": key}), (f"sort -{key}", {"sort": f"-{key}"})]
    found += [
        (f"deep page {deep_page}, sort -changed", {"sort": "-changed", "page": deep_page}),
        (f"deep page {deep_page}, sort users", {"sort": "users", "page": deep_page}),
    ]
    return found


def measure(client, url: str, params: dict, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url, params)
        if response.status_code != 200:  # the error itself is logged by django.request
            raise SystemExit(f"GET {url} {params} answered {response.status_code}")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url, params)
        samples.append((time.perf_counter() - start) * 1000)
    # Counted on a request of its own: capturing makes the cursor a debug cursor.
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "queries": len(captured.captured_queries),
        "sql_ms": sum(float(query["time"]) for query in captured.captured_queries) * 1000,
        "sql": [query["sql"] for query in captured.captured_queries],
    }


def explain(label: str, sqls: list[str]) -> None:
    from django.db import connection

    wanted = [
        ("id query", [s for s in sqls if ID_QUERY.match(s)]),
        ("count query", [s for s in sqls if s.startswith("SELECT COUNT(*)")]),
        # The screen's A–Z links: which letters some entry of the list starts with.
        ("letters query", [s for s in sqls if s.startswith("SELECT EXISTS(")]),
    ]
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    for title, found in wanted:
        for query in found:
            print(f"\n{title} of {label!r}:\n  {query}")
            with connection.cursor() as cursor:
                cursor.execute(prefix + query)
                for row in cursor.fetchall():
                    print("    " + (row[0] if len(row) == 1 else " | ".join(map(str, row))))


def run_one(args: argparse.Namespace) -> None:
    configure(args.db)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.generate import TODAY, Size, admin_email, ensure
    from portal.accounts.models import User
    from portal.api.models import ApiToken
    from portal.api.tokens import token_create
    from portal.companies.list_views import PER_PAGE

    if args.db == "postgres":
        size = Size(100, 1_000_000, 100_000, 100_000)
    else:
        size = Size(100, 200_000, 20_000, 20_000)
    size = Size(
        args.partners or size.partners,
        args.total or size.total,
        args.big or size.big,
        size.customers if args.customers is None else args.customers,
    )

    settings_db = connection.settings_dict
    print(f"database: {connection.vendor} {settings_db['NAME']}")
    print(f"data set: {size}")
    call_command("migrate", verbosity=0)
    seconds = ensure(size)
    if seconds is None:
        print("data: already loaded (delete the bench database to load it again)")
    else:
        print(f"data: generated and loaded in {seconds:.1f} s")

    admin = User.objects.get(email=admin_email(0))
    screen = Client(raise_request_exception=False)
    screen.force_login(admin)
    _, token = token_create(user=admin, name="benchmark")
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {token}"})
    deep_page = max(1, math.ceil(size.big / PER_PAGE) * 3 // 4)

    lead = User.objects.filter(partner=admin.partner, is_implementation_lead=True).first()
    mine = Client(raise_request_exception=False)
    mine.force_login(lead)
    day = TODAY.isoformat()
    later = (TODAY + datetime.timedelta(days=90)).isoformat()
    # The filters: on screen only (the API's lists take search, letter, sort and page).
    filters = [
        (f"filter lead={lead.pk}", {"lead": lead.pk}, screen),
        ("filter sector=retail", {"sector": "retail"}, screen),
        ("filter product (60%)", {"product": "BS1"}, screen),
        ("filter product (2%)", {"product": "BR1"}, screen),
        ("filter provision, 90 days", {"provision_from": day, "provision_to": later}, screen),
        ("filter my accounts (as a lead)", {"mine": "1"}, mine),
        (
            "filters combined",
            {
                "lead": lead.pk,
                "sector": "retail",
                "product": "BA1",
                "provision_from": day,
                "provision_to": later,
            },
            screen,
        ),
        ("filters combined + q=ver", {"q": "ver", "lead": lead.pk, "product": "BS1"}, screen),
        ("filter lead, sort -changed", {"lead": lead.pk, "sort": "-changed"}, screen),
        ("filter sector, letter M", {"sector": "retail", "letter": "M"}, screen),
        ("filter product (60%), page 100", {"product": "BS1", "page": 100}, screen),
    ]

    results = {}
    for name, client, url in [("screen", screen, "/prospects/"), ("API", api, API_URL)]:
        extra = filters if name == "screen" else []
        results[name] = measure_list(args, client, url, deep_page, admin, extra)
    results["customers"] = measure_customers(args, screen, admin, lead)
    results["search"] = measure_search(args, screen, admin)
    worst = max(results["screen"], key=lambda label: results["screen"][label]["p95"])
    ApiToken.objects.filter(user=admin, name="benchmark").delete()

    if args.explain == "all":
        chosen = list(results["screen"])
    else:
        chosen = [worst]
    print(f"\nQuery plans ({'every variant' if args.explain == 'all' else 'slowest variant'}):")
    for label in chosen:
        explain(label, results["screen"][label]["sql"])


def listed(user, status: str, params: dict, columns) -> int:
    """How many rows the variant lists, counted through the lists' own code."""
    from django.http import QueryDict

    from portal.companies.list_filters import list_filters
    from portal.companies.list_views import filtered_companies, list_state
    from portal.core.lists import filter_list

    # list_state reads a request's QueryDict (its .lists()), not a plain dict.
    state = list_state(
        QueryDict(urlencode(params)),
        user=user,
        status=status,
        columns=columns,
        default_sort="name",
        filters=list_filters(user, status),
    )
    return filter_list(filtered_companies(user, status, state), state, columns).count()


def measure_list(args, client, url: str, deep_page: int, admin, extra=()) -> dict:
    """Every variant of one list (the screen's or the API's), its table and its verdicts;
    ``extra``: more variants, each with the client that asks for it."""
    from portal.accounts.models import User
    from portal.companies.columns import PROSPECT_LIST as COLUMNS

    results = {}
    print(
        f"\n{url}: {args.repeat} requests per variant after {WARMUP} to warm up; times in ms. "
        "SQL ms: the page's queries in one request; rows: prospects the variant lists\n"
    )
    print(f"{'variant':40s} {'p50':>8s} {'p95':>8s} {'queries':>8s} {'SQL ms':>8s} {'rows':>8s}")
    every = [(label, params, client) for label, params in variants(deep_page)] + list(extra)
    for label, params, asking in every:
        result = results[label] = measure(asking, url, params, args.repeat)
        signed_in = asking.session.get("_auth_user_id")  # the API's client has a token instead
        user = User.objects.get(pk=signed_in) if signed_in else admin
        rows = listed(user, "prospect", params, COLUMNS)
        print(
            f"{label:40s} {result['p50']:8.1f} {result['p95']:8.1f} {result['queries']:8d} "
            f"{result['sql_ms']:8.1f} {rows:8d}",
            flush=True,
        )

    first, deep = results["first page"], results[f"deep page {deep_page}"]
    ratio = deep["p50"] / first["p50"]
    worst = max(results, key=lambda label: results[label]["p95"])
    over = [label for label, result in results.items() if result["p95"] > TARGET_P95_MS]
    target = "target" if args.db == "postgres" else "PostgreSQL's target, for reference"
    print()
    print(
        f"{'PASS' if not over else 'FAIL'}: {url} p95 <= {TARGET_P95_MS:.0f} ms for every "
        f"variant ({target}); slowest {worst!r} p95 {results[worst]['p95']:.1f} ms"
        + (f"; over: {', '.join(over)}" if over else "")
    )
    print(
        f"{'PASS' if ratio <= DEEP_FACTOR else 'FAIL'}: {url} deep page <= {DEEP_FACTOR:.0f}x "
        f"the first (p50 {deep['p50']:.1f} ms vs {first['p50']:.1f} ms = {ratio:.2f}x)"
    )
    queries = {result["queries"] for result in results.values()}
    print(f"queries per page: {', '.join(map(str, sorted(queries)))}")
    return results


def report(title: str, results: dict, db: str) -> None:
    worst = max(results, key=lambda label: results[label]["p95"])
    over = [label for label, result in results.items() if result["p95"] > TARGET_P95_MS]
    target = "target" if db == "postgres" else "PostgreSQL's target, for reference"
    print(
        f"\n{'PASS' if not over else 'FAIL'}: {title} p95 <= {TARGET_P95_MS:.0f} ms for every "
        f"variant ({target}); slowest {worst!r} p95 {results[worst]['p95']:.1f} ms"
        + (f"; over: {', '.join(over)}" if over else "")
    )


def measure_customers(args, client, admin, lead) -> dict:
    """Customers | Complete (products, seats, monthly fees, the total at the top) with its
    sorts and filters, on screen."""
    from django.urls import reverse

    from bench.generate import TODAY
    from portal.companies.columns import COMPLETE_LIST

    url = reverse("customers:complete")
    day = TODAY.isoformat()
    month = (TODAY + datetime.timedelta(days=30)).isoformat()
    every = [
        ("first page (with the fee totals)", {}),
        ("deep page 1500", {"page": 1500}),
        ("sort -fees", {"sort": "-fees"}),
        ("sort seats", {"sort": "seats"}),
        ("search q=ver", {"q": "ver"}),
        ("filter product (25%)", {"product": "BR1"}),
        ("filter billing, 30 days", {"billing_from": day, "billing_to": month}),
        (f"filter lead={lead.pk}", {"lead": lead.pk}),
        ("filters combined", {"lead": lead.pk, "sector": "retail", "product": "BA1"}),
        ("filter product, sort -fees", {"product": "BA1", "sort": "-fees"}),
    ]
    print(f"\n{url}: {args.repeat} requests per variant; times in ms\n")
    print(f"{'variant':40s} {'p50':>8s} {'p95':>8s} {'queries':>8s} {'SQL ms':>8s} {'rows':>8s}")
    results = {}
    for label, params in every:
        result = results[label] = measure(client, url, params, args.repeat)
        rows = listed(admin, "complete", params, COMPLETE_LIST)
        print(
            f"{label:40s} {result['p50']:8.1f} {result['p95']:8.1f} {result['queries']:8d} "
            f"{result['sql_ms']:8.1f} {rows:8d}",
            flush=True,
        )
    report(url, results, args.db)
    return results


def measure_search(args, client, admin) -> dict:
    """The header search over prospects and customers, by part of the name or the domain:
    its page when the portal has one (``companies:search``), else the function behind it."""
    from django.urls import NoReverseMatch, reverse

    from portal.companies.models import Company

    domain = Company.objects.filter(partner=admin.partner).values_list("domain", flat=True)[0]
    terms = [("q=ver (common)", "ver"), ("q=xen (rare)", "xen"), ("a domain", domain)]
    results = {}
    try:
        url = reverse("companies:search")
    except NoReverseMatch:
        url = None
    if url:
        print(f"\n{url} (the header search's page): {args.repeat} requests per variant\n")
        for label, q in terms:
            results[f"header search {label}"] = measure(client, url, {"q": q}, args.repeat)
    else:
        search, where = header_search_function()
        print(f"\nheader search, no page yet: {where} called in process\n")
        for label, q in terms:
            results[f"header search {label}"] = time_call(lambda q=q: search(admin, q), args.repeat)
    print(f"{'variant':40s} {'p50':>8s} {'p95':>8s} {'queries':>8s} {'SQL ms':>8s}")
    for label, result in results.items():
        print(
            f"{label:40s} {result['p50']:8.1f} {result['p95']:8.1f} {result['queries']:8d} "
            f"{result['sql_ms']:8.1f}",
            flush=True,
        )
    report("header search", results, args.db)
    return results


def header_search_function():
    """``customers.search.company_search`` if the portal has it, else the same search written
    here: the first 50 prospects and customers whose name holds ``q`` or whose domain is it."""
    try:
        from portal.customers.search import company_search
    except ImportError:
        pass
    else:
        return company_search, "portal.customers.search.company_search"

    from portal.companies.models import Company
    from portal.companies.selectors import companies_for
    from portal.core.lists import ListState, search_list

    def search(user, q):
        found = []
        for status in Company.Status.values:
            companies = companies_for(user).filter(status=status)
            matches = search_list(companies, ListState(q=q)) | companies.filter(domain=q.lower())
            found += list(matches.order_by("name_key", "id")[:51])
        return found

    return search, "bench.prospect_list.header_search_function (name or domain, 50 per status)"


def time_call(call, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as captured:
        call()
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "queries": len(captured.captured_queries),
        "sql_ms": sum(float(query["time"]) for query in captured.captured_queries) * 1000,
        "sql": [query["sql"] for query in captured.captured_queries],
    }


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.db == "all":
        code = run_each(arguments)
        if code:
            sys.exit(code)
    else:
        run_one(arguments)
