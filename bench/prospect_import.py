"""Time Upload Prospects at scale: 100,000 valid rows checked and saved, next to a raw COPY.

    python bench/prospect_import.py [--db postgres|sqlite|all] [--rows N] [--small N]
    python bench/run.py prospect_import          # both databases (BENCH_DB=... for one)

The file is a CSV in the template's columns (``columns.sheet_columns``), made in memory from a
fixed seed: 100,000 new prospects with unique names and domains, varied values, products S1
and A1 (seats) on some rows, the leads of the partner measured. It goes through the real code
path -- ``import_start`` then ``import_run`` (called here directly; the task that
``import_start`` queues for a large file is deleted unrun).

It uses the bench database of ``prospect_list.py`` (PostgreSQL ``portal_bench``, SQLite
``var/bench.sqlite3``), whose prospects of other partners make the uniqueness checks realistic;
an empty bench database works too. The prospects are created for a partner of their own,
"Import Bench Partner", whose companies, history and imports are deleted before every pass and
at the end, so the other benchmarks' data stays as it was.

Reported: seconds and rows/s of checking (``check_file``), saving (``_save``) and the whole
``import_run``; the peak RSS of the process (and its growth over the RSS right before the
import); the SQL statements of ``import_run`` by kind, and again for a smaller file to show they
grow with batches, not rows; a raw COPY (PostgreSQL) or executemany INSERT (SQLite) of the same
rows into ``companies_company`` in the same run; tracemalloc's peak in a pass of its own.

Targets (PostgreSQL): 100,000 rows in <= 10 s, within 5x of the raw COPY, peak RSS <= 300 MB,
no statement per row. SQLite: >= 10,000 rows/s.
"""

import argparse
import csv
import io
import os
import random
import re
import resource
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.prospect_list import configure, run_per_database  # noqa: E402  (after sys.path is set)

SEED = 20260202
PARTNER_NAME = "Import Bench Partner"
MAIL_DOMAIN = "import.bench.example"
# No domain of generate.py holds a hyphen: ours never clash with the other partners' prospects.
DOMAIN_MARK = "-ib"
TARGET_SECONDS = 10.0
TARGET_COPY_FACTOR = 5.0
TARGET_PEAK_MB = 300.0
TARGET_SQLITE_ROWS_PER_S = 10_000
# Statements added per 1,000 more rows; a statement per row would add 1,000.
MAX_STATEMENTS_PER_1000 = 50
MB = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", choices=["postgres", "sqlite", "all"], default=os.environ.get("BENCH_DB", "all")
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the file measured")
    parser.add_argument(
        "--small", type=int, default=10_000, help="rows of the second file, to compare statements"
    )
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the pass under tracemalloc"
    )
    parser.add_argument(
        "--profile", action="store_true", help="one more pass under cProfile; print the top"
    )
    # Through bench/run.py (runpy) the arguments are run.py's: the names of the benchmarks.
    args, extra = parser.parse_known_args()
    if unknown := [arg for arg in extra if arg.startswith("-")]:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def run_each(args: argparse.Namespace) -> int:
    """Run this script once per database, each in a fresh process with its own settings."""
    options = ["--rows", str(args.rows), "--small", str(args.small)]
    options += ["--no-tracemalloc"] if args.no_tracemalloc else []
    options += ["--profile"] if args.profile else []
    return run_per_database(__file__, args.db, options)


# -- Memory and statements ------------------------------------------------------------------


def rss_mb() -> float:
    """The resident set size now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Statements:
    """Counts what Django sends (``executemany`` is one statement) and times it, by kind and
    table."""

    TABLE = re.compile(r'\b(?:INTO|FROM|UPDATE)\s+"?(\w+)')

    def __init__(self):
        self.kinds: Counter[str] = Counter()
        self.tables: Counter[tuple[str, str]] = Counter()
        self.seconds: Counter[tuple[str, str]] = Counter()

    def __call__(self, execute, sql, params, many, context):
        word = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        kind = "SAVEPOINT" if word in {"SAVEPOINT", "RELEASE", "ROLLBACK"} else word
        table = match[1] if (match := self.TABLE.search(sql[:2000])) else ""
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[kind, table] += time.perf_counter() - start
            self.kinds[kind] += 1
            self.tables[kind, table] += 1

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def describe(self) -> str:
        return ", ".join(f"{kind} {count:,}" for kind, count in self.kinds.most_common())


# -- The partner and the file ---------------------------------------------------------------


def ensure_partner():
    """The partner measured, its users and its two products (S1, A1 with seats): made once."""
    from decimal import Decimal

    from portal.accounts.models import Partner, User
    from portal.catalog.models import ContractedPrice, Product

    partner, _ = Partner.objects.get_or_create(name=PARTNER_NAME)
    admin = User.objects.filter(email=f"admin@{MAIL_DOMAIN}").first()
    if admin is None:
        admin = User.objects.create_user(
            f"admin@{MAIL_DOMAIN}",
            None,
            partner=partner,
            role=User.Role.ADMIN,
            full_name="Import Admin",
            is_implementation_lead=True,
        )
    for n, full_name in enumerate(["Avery Okafor", "Jordan Novak", "Riley Silva", "Sam Müller"]):
        if not User.objects.filter(email=f"lead{n}@{MAIL_DOMAIN}").exists():
            User.objects.create_user(
                f"lead{n}@{MAIL_DOMAIN}",
                None,
                partner=partner,
                role=User.Role.SALES,
                full_name=full_name,
                is_implementation_lead=True,
            )
    products = [
        Product.objects.get_or_create(
            code="S1", defaults={"name": "Email Security", "kind": Product.Kind.PRIMARY}
        )[0],
        Product.objects.get_or_create(
            code="A1",
            defaults={"name": "Mac Client", "kind": Product.Kind.ADDON, "needs_own_seats": True},
        )[0],
    ]
    for product, price in zip(products, ["3.50", "0.90"], strict=True):
        partner.products.add(product)
        ContractedPrice.objects.get_or_create(
            partner=partner,
            product=product,
            term=product.term,
            min_quantity=1,
            defaults={"unit_price": Decimal(price)},
        )
    return partner, admin


def make_rows(count: int, leads: list, products: list) -> Iterator[dict]:
    """``count`` valid new prospects, always the same ones (fixed seed; the first n of a longer
    run are those of a shorter one), made one at a time so the benchmark holds none of them.

    Each row holds what the sheet says (``sheet``) and what the import stores (``stored``).
    """
    from django.utils import timezone

    from bench.generate import COMPANY_TYPES, REGIONS, TLDS, _name
    from portal.companies.models import Company

    rng = random.Random(SEED)
    today = timezone.localdate()
    type_labels = dict(Company.CompanyType.choices)
    sectors = list(Company.Sector.choices)
    by_code = {product.code: product for product in products}
    s1, a1 = by_code["S1"], by_code["A1"]
    names: set[str] = set()
    for index in range(count):
        name = _name(rng)
        while name.lower() in names:
            name = f"{name} {rng.choice(REGIONS)}"
        names.add(name.lower())
        stem = re.sub(r"[^a-z0-9]+", "", " ".join(name.lower().split()[:2]))
        domain = f"{stem}{DOMAIN_MARK}{index:x}{rng.choice(TLDS)}"
        company_type = rng.choice(COMPANY_TYPES)
        sector_value, sector_label = rng.choice(sectors)
        lead = rng.choice(leads)
        secondary = rng.choice([u for u in leads if u != lead]) if rng.random() < 0.15 else None
        users = min(20_000, max(1, int(rng.lognormvariate(4, 1.2))))
        date = today + timedelta(days=rng.randrange(0, 540)) if rng.random() < 0.75 else None
        website = f"https://www.{domain}/" if rng.random() < 0.5 else ""
        wants_s1 = rng.random() < 0.4
        a1_seats = rng.randint(1, users) if rng.random() < 0.2 else None
        sheet = {
            "id": "",
            # The label as the template offers it, the stored value, or empty (the default).
            "company_type": rng.choice(
                [type_labels[company_type], company_type, type_labels[company_type]]
            )
            if company_type != "end_customer" or rng.random() < 0.7
            else "",
            "name": name,
            "domain": domain.upper() if rng.random() < 0.05 else domain,
            "website": website,
            "sector": sector_label if rng.random() < 0.7 else sector_value,
            "implementation_lead": lead.email.upper() if rng.random() < 0.05 else lead.email,
            "secondary_contact": secondary.email if secondary else "",
            "expected_provision_date": date.isoformat() if date else "",
            "permitted_users": f"{users:,}" if users >= 1000 and rng.random() < 0.3 else users,
            s1.code: "Yes" if wants_s1 else "",
            a1.code: a1_seats or "",
        }
        stored = {
            "company_type": company_type,
            "name": name,
            "domain": domain,
            "website": website,
            "sector": sector_value,
            "implementation_lead_id": lead.pk,
            "secondary_contact_id": secondary.pk if secondary else None,
            "lead_name": str(lead),
            "expected_provision_date": date,
            "permitted_users": users,
        }
        yield {"sheet": sheet, "stored": stored}


def csv_file(rows: Iterable[dict], columns) -> tuple[bytes, Counter]:
    """The CSV (UTF-8) of the rows, and how many rows have each product."""
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([column.header for column in columns])
    wanted: Counter[str] = Counter()
    for row in rows:
        sheet = row["sheet"]
        writer.writerow(
            [sheet[column.product.code if column.product else column.key] for column in columns]
        )
        wanted.update(
            column.header for column in columns if column.product and sheet[column.product.code]
        )
    text.flush()
    return out.getvalue(), wanted


def with_problems(rows: Iterable[dict]) -> Iterator[dict]:
    """The rows again, each with five problems: a sector not in the list, a past date, more
    seats than users, and (once the same rows are saved) a name and a domain already held."""
    from django.utils import timezone

    past = (timezone.localdate() - timedelta(days=30)).isoformat()
    for row in rows:
        sheet = dict(row["sheet"])
        sheet.update(
            {
                "sector": "Mining",
                "expected_provision_date": past,
                "A1": row["stored"]["permitted_users"] + 1,
            }
        )
        yield {"sheet": sheet, "stored": row["stored"]}


def check_problems(partner, content: bytes) -> dict:
    """``check_file`` alone of a file whose every row has problems, against the saved rows."""
    from django.db import connection

    from portal.prospects.imports import check_file

    statements = Statements()
    start = time.perf_counter()
    with connection.execute_wrapper(statements):
        plan = check_file(partner, "bench-problems.csv", content, decimal_mark=".")
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "found": plan.error_count,
        "listed": len(plan.errors),
        "last_row": plan.errors[-1][0] if plan.errors else 0,
        "statements": statements.total,
        "peak": peak_rss_mb(),
    }


# -- Cleaning up ----------------------------------------------------------------------------


def clean(partner) -> None:
    """Delete the partner's companies (with their products), history, imports and tasks."""
    from django.db import connection, transaction
    from django_tasks_db.models import DBTaskResult

    from portal.companies.models import Company, CompanyProduct
    from portal.core.models import HistoryEntry
    from portal.prospects.models import ProspectImport

    companies = Company._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CompanyProduct._meta.db_table} WHERE company_id IN "
            f"(SELECT id FROM {companies} WHERE partner_id = %s)",
            [partner.pk],
        )
        cursor.execute(
            f"DELETE FROM {HistoryEntry._meta.db_table} WHERE partner_id = %s", [partner.pk]
        )
        cursor.execute(f"DELETE FROM {companies} WHERE partner_id = %s", [partner.pk])
        ProspectImport.objects.filter(partner=partner).delete()
        DBTaskResult.objects.filter(
            task_path="portal.prospects.tasks.run_prospect_import", status="READY"
        ).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Company, CompanyProduct, HistoryEntry):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# -- One import -----------------------------------------------------------------------------


class Phases:
    """Wraps ``check_file`` and ``_save`` of ``importing`` to time them (nothing else)."""

    def __init__(self, statements: Statements, snapshot: bool = False):
        self.statements = statements
        self.snapshot = snapshot
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self.top: list = []

    def __enter__(self):
        from portal.prospects import importing

        self.module = importing
        self.originals = {"check": importing.check_file, "save": importing._save}
        importing.check_file = self._wrap("check", importing.check_file)
        importing._save = self._wrap("save", importing._save)
        return self

    def __exit__(self, *exc):
        self.module.check_file = self.originals["check"]
        self.module._save = self.originals["save"]

    def _wrap(self, phase, function):
        def wrapper(*args, **kwargs):
            before = self.statements.total
            start = time.perf_counter()
            result = function(*args, **kwargs)
            self.seconds[phase] = time.perf_counter() - start
            self.counts[phase] = self.statements.total - before
            if phase == "check" and self.snapshot:  # the plan of every row is alive here
                self.top = tracemalloc.take_snapshot().statistics("lineno")[:8]
            return result

        return wrapper


def import_once(partner, admin, content: bytes, filename: str, *, snapshot=False) -> dict:
    """``import_start`` + ``import_run`` of one file, measured; the partner is cleaned first."""
    from django.db import connection

    from portal.prospects.import_services import import_run, import_start
    from portal.prospects.models import ProspectImport

    clean(partner)
    statements = Statements()
    rss_before = rss_mb()
    start = time.perf_counter()
    # The file writes 1,120 for 1120 (a decimal point region): said, as the upload page would.
    upload = import_start(
        partner=partner, actor=admin, filename=filename, content=content, decimal_mark="."
    )
    started = time.perf_counter()
    with connection.execute_wrapper(statements), Phases(statements, snapshot) as phases:
        status = import_run(import_id=upload.pk)
    end = time.perf_counter()
    upload.refresh_from_db()
    if status != ProspectImport.Status.DONE or upload.created_count == 0:
        listed = "; ".join(f"row {r} {c}: {m}" for r, c, m in (upload.errors or [])[:10])
        raise SystemExit(f"import ended {status!r}: {upload.message} {listed}")
    return {
        "start": started - start,
        "run": end - started,
        "check": phases.seconds.get("check", 0.0),
        "save": phases.seconds.get("save", 0.0),
        "created": upload.created_count,
        "statements": statements,
        "check_statements": phases.counts.get("check", 0),
        "save_statements": phases.counts.get("save", 0),
        "rss_before": rss_before,
        "peak": peak_rss_mb(),
        "top": phases.top,
    }


# -- The raw load of the same rows ----------------------------------------------------------


def raw_load(partner, rows: Iterable[dict]) -> float:
    """COPY (PostgreSQL) or executemany INSERT (SQLite) of the rows the import stores, with its
    COMMIT; seconds. The GENERATED columns (name_initial, name_key) are the database's."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.generate import COLUMNS as RAW_COLUMNS  # what the bench loader writes, too
    from portal.companies.models import Company

    clean(partner)
    now = timezone.now()
    values = [
        (
            partner.pk,
            "prospect",
            *(
                row["stored"][key]
                for key in (
                    "company_type",
                    "name",
                    "domain",
                    "website",
                    "sector",
                    "implementation_lead_id",
                    "secondary_contact_id",
                    "lead_name",
                    "expected_provision_date",
                    "permitted_users",
                )
            ),
            None,
            *("", None, None, ""),  # what a customer pays: nothing, for a prospect
            now,
            now,
        )
        for row in rows
    ]
    if connection.vendor == "postgresql":
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(
                f"COPY companies_company ({', '.join(RAW_COLUMNS)}) FROM STDIN"
            ) as copy:
                for value in values:
                    copy.write_row(value)
    else:
        ops = connection.ops
        date, moment = ops.adapt_datefield_value, ops.adapt_datetimefield_value
        values = [(*v[:10], date(v[10]), *v[11:17], moment(v[17]), moment(v[18])) for v in values]
        sql = (
            f"INSERT INTO companies_company ({', '.join(RAW_COLUMNS)}) "
            f"VALUES ({', '.join(['%s'] * len(RAW_COLUMNS))})"
        )
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, values)
    seconds = time.perf_counter() - start
    stored = Company.objects.filter(partner=partner).count()
    if stored != len(values):
        raise SystemExit(f"raw load stored {stored} rows, not {len(values)}")
    return seconds


# -- The run --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run_one(args: argparse.Namespace) -> None:
    configure(args.db)

    from django.core.management import call_command
    from django.db import connection

    from portal.accounts.selectors import implementation_leads_for
    from portal.catalog.selectors import products_enabled_for
    from portal.companies.models import Company, CompanyProduct
    from portal.prospects.columns import sheet_columns

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    partner, admin = ensure_partner()
    clean(partner)
    others = Company.objects.count()
    print(f"companies of other partners in the database: {others:,}")

    leads = list(implementation_leads_for(partner))
    products = list(products_enabled_for(partner=partner))
    columns = sheet_columns(products)
    content, wanted = csv_file(make_rows(args.rows, leads, products), columns)
    print(
        f"file: {args.rows:,} rows, {len(content) / MB:.1f} MB CSV, {len(columns)} columns; "
        + ", ".join(f"{count:,} rows with {header}" for header, count in sorted(wanted.items()))
    )

    try:
        big = import_once(partner, admin, content, "bench-prospects.csv")
        interests = CompanyProduct.objects.filter(company__partner=partner).count()
        bad_content, _ = csv_file(with_problems(make_rows(args.rows, leads, products)), columns)
        problems = check_problems(partner, bad_content)
        del bad_content
        small_content, _ = csv_file(make_rows(args.small, leads, products), columns)
        small = import_once(partner, admin, small_content, "bench-prospects-small.csv")
        raw_seconds = raw_load(partner, make_rows(args.rows, leads, products))
        traced = None
        if not args.no_tracemalloc:  # on the small file: tracing makes it several times slower
            tracemalloc.start()
            traced = import_once(partner, admin, small_content, "small.csv", snapshot=True)
            traced["traced_peak"] = tracemalloc.get_traced_memory()[1] / MB
            tracemalloc.stop()
        if args.profile:
            profile(partner, admin, content)
    finally:
        clean(partner)

    report(args, connection.vendor, big, small, raw_seconds, interests, traced, problems)


def report(args, vendor, big, small, raw_seconds, interests, traced, problems) -> None:
    n = args.rows
    raw_name = "raw COPY" if vendor == "postgresql" else "raw executemany INSERT"
    print(
        f"\nOne pass each; the import also writes {interests:,} product interests and {n:,} "
        f"history entries, the {raw_name} only the companies.\n"
    )
    print(f"{'':46s} {'seconds':>8s} {'rows/s':>9s} {'statements':>11s}")
    lines = [
        ("check (check_file)", big["check"], big["check_statements"]),
        ("save (_save, in the transaction)", big["save"], big["save_statements"]),
        ("import_run in all (status updates, COMMIT)", big["run"], big["statements"].total),
        (f"{raw_name} of the same rows, with COMMIT", raw_seconds, 1),
    ]
    for label, seconds, count in lines:
        print(f"{label:52s} {seconds:8.2f} {n / seconds:9,.0f} {count:11,d}")
    print(f"{'(import_start: store the file, queue task)':46s} {big['start']:8.2f}")
    print(
        f"\nthe same {n:,} rows again, each with 5 problems (sector, past date, seats over "
        f"users, name and domain held), check_file alone: {problems['seconds']:.2f} s, "
        f"{n / problems['seconds']:,.0f} rows/s, {problems['statements']} statements; "
        f"{problems['found']:,} problems found ({problems['found'] / n:.1f} a row), the first "
        f"{problems['listed']:,} listed (rows 2 to {problems['last_row']:,}); "
        f"peak RSS {problems['peak']:.0f} MB after it"
    )

    growth = big["peak"] - big["rss_before"]
    print(
        f"\nmemory: RSS {big['rss_before']:.0f} MB right before the import, peak RSS of the "
        f"process {big['peak']:.0f} MB (+{growth:.0f} MB)"
    )
    if traced:
        print(
            f"tracemalloc (a pass of its own with the {args.small:,}-row file, "
            f"{traced['run']:.1f} s under tracing): peak {traced['traced_peak']:.0f} MB of Python "
            "objects; the largest holders when check_file returns:"
        )
        for stat in traced["top"]:
            frame = stat.traceback[0]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            print(f"  {stat.size / MB:7.1f} MB {stat.count:9,d} blocks  {where}")

    per_1000 = (big["statements"].total - small["statements"].total) / ((n - args.small) / 1000)
    print(
        f"\nstatements of import_run: {n:,} rows: {big['statements'].total:,} "
        f"({big['statements'].describe()})"
    )
    print(
        f"                          {args.small:,} rows: {small['statements'].total:,} "
        f"({small['statements'].describe()})"
    )
    print(f"  added per 1,000 more rows: {per_1000:.1f} (one per row would add 1,000)")
    statements = big["statements"]
    db_seconds = sum(statements.seconds.values())
    print(
        f"  time in the database (execute calls) {db_seconds:.2f} s of {big['run']:.2f} s, "
        "COMMIT not included:"
    )
    for (kind, table), seconds in statements.seconds.most_common():
        count = statements.tables[kind, table]
        print(f"    {kind:9s} {table or '-':32s} {count:6,d} {seconds:8.2f} s")

    ratio = big["run"] / raw_seconds
    rate = n / big["run"]
    target = "target" if vendor == "postgresql" else "PostgreSQL's target, for reference"
    print()
    print(
        f"{verdict(big['run'] <= TARGET_SECONDS)}: {n:,} rows checked and imported in "
        f"<= {TARGET_SECONDS:.0f} s ({target}): {big['run']:.2f} s, {rate:,.0f} rows/s"
    )
    print(
        f"{verdict(ratio <= TARGET_COPY_FACTOR)}: within {TARGET_COPY_FACTOR:.0f}x of the "
        f"{raw_name} ({target}): {big['run']:.2f} s / {raw_seconds:.2f} s = {ratio:.1f}x"
    )
    print(
        f"{verdict(big['peak'] <= TARGET_PEAK_MB)}: peak memory <= {TARGET_PEAK_MB:.0f} MB "
        f"({target}): {big['peak']:.0f} MB peak RSS"
    )
    print(
        f"{verdict(per_1000 <= MAX_STATEMENTS_PER_1000)}: statements bounded, none per row: "
        f"{per_1000:.1f} more per 1,000 rows (at most {MAX_STATEMENTS_PER_1000})"
    )
    if vendor == "sqlite":
        print(
            f"{verdict(rate >= TARGET_SQLITE_ROWS_PER_S)}: SQLite >= "
            f"{TARGET_SQLITE_ROWS_PER_S:,} rows/s: {rate:,.0f} rows/s"
        )


def profile(partner, admin, content: bytes) -> None:
    """One more import under cProfile: the functions that take the time."""
    import cProfile
    import pstats

    from portal.prospects.import_services import import_run, import_start

    clean(partner)
    upload = import_start(
        partner=partner, actor=admin, filename="bench.csv", content=content, decimal_mark="."
    )
    profiler = cProfile.Profile()
    profiler.runcall(import_run, import_id=upload.pk)
    print("\ncProfile of import_run (top 30 by cumulative time):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.db == "all":
        code = run_each(arguments)
        if code:
            sys.exit(code)
    else:
        run_one(arguments)
