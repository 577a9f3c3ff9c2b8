"""Time the dashboards: the MSP Dashboard for an MSP with 10,000 customers and 100,000
agreement versions, and the vendor console's Dashboard over 100 partners.

    python bench/dashboard.py [--repeat N]
    python bench/run.py dashboard

PostgreSQL only, in its own database ``portal_bench_dashboard`` (BENCH_DASHBOARD_DATABASE_URL;
the name must contain ``bench``, since the benchmark empties it before loading). Loaded once,
by ``INSERT … SELECT``, and kept: partner 1 has 10,000 customers with 10 versions each (one
every 60 days from about 20 months back, the last in effect, every 13th customer lost, every
17th with a downsell scheduled ahead), lines of S1 and C1 (and A2 for a third of them) at
tiered prices, a 1-year commitment ending over the year ahead, 2,000 prospects with expected
dates and products, and a price book (a customer's own price for every 100th); partners 2-100
have 300 customers with 3 versions each. Requested in-process with Django's test client,
the clock at the data's day (time_machine). Targets: MSP p95 <= 150 ms, vendor p95 <= 300 ms.
"""

import argparse
import datetime
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.prospect_list import configure, measure  # noqa: E402  (after sys.path is set)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_dashboard"
TODAY = datetime.date(2026, 12, 1)
CUSTOMERS, VERSIONS, PARTNERS, SMALL, SMALL_VERSIONS, PROSPECTS = 10_000, 10, 100, 300, 3, 2_000
TARGETS = {"MSP Dashboard": 150.0, "vendor Dashboard": 300.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 30)))
    return parser.parse_known_args()[0]


def present() -> bool:
    from portal.companies.models import Agreement

    return Agreement.objects.count() == CUSTOMERS * VERSIONS + (PARTNERS - 1) * SMALL * (
        SMALL_VERSIONS
    )


def load() -> None:
    """The partners, users, products, prices and companies through the ORM; the versions and
    their lines by SQL."""
    from decimal import Decimal

    from django.db import connection, transaction

    from portal.accounts.models import Partner, User
    from portal.catalog.models import ContractedPrice, Product
    from portal.companies.models import Company, CompanyProduct
    from portal.companies.monthly import figures_rebuild
    from portal.pricebook.models import SellingPrice

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_partner, catalog_product, companies_company, accounts_user "
            "RESTART IDENTITY CASCADE"
        )
    with transaction.atomic():
        products = {
            code: Product.objects.create(
                code=code, name=name, kind=kind, charge="per_seat", term="monthly", position=n
            )
            for n, (code, name, kind) in enumerate(
                [
                    ("S1", "Gateway", "primary"),
                    ("C1", "Continuity", "primary"),
                    ("A2", "Awareness", "addon"),
                ]  # fmt: skip
            )
        }
        partners = Partner.objects.bulk_create(
            Partner(name=f"Partner {n:03d}", currency="USD") for n in range(1, PARTNERS + 1)
        )
        ContractedPrice.objects.bulk_create(
            ContractedPrice(
                partner=partner,
                product=product,
                term="monthly",
                min_quantity=minimum,
                unit_price=Decimal(price),
                effective_from=TODAY - datetime.timedelta(days=900),
            )  # fmt: skip
            for partner in partners
            for product in products.values()
            for minimum, price in ((1, "3.50"), (250, "3.20"), (500, "2.95"))
        )
        for partner in partners:
            partner.products.add(*products.values())
        User.objects.create_user("admin@bench.example", "x", partner=partners[0], role="admin")
        User.objects.create_user("staff@bench.example", "x", is_staff=True, is_superuser=True)
        big = partners[0]
        rows = [
            Company(partner=big, name=f"Customer {n:05d}", status="complete")
            for n in range(CUSTOMERS)
        ]
        rows += [
            Company(
                partner=big,
                name=f"Prospect {n:05d}",
                status="prospect",
                permitted_users=20 + n,
                expected_provision_date=TODAY + datetime.timedelta(days=(n * 7) % 240 - 30),
            )  # fmt: skip
            for n in range(PROSPECTS)
        ]
        rows += [
            Company(partner=partner, name=f"Customer {n:05d}", status="complete")
            for partner in partners[1:]
            for n in range(SMALL)
        ]
        Company.objects.bulk_create(rows, batch_size=5_000)
        CompanyProduct.objects.bulk_create(
            CompanyProduct(company=company, product=products["S1" if company.pk % 3 else "C1"])
            for company in Company.objects.filter(status="prospect")
        )
        SellingPrice.objects.bulk_create(
            [
                SellingPrice(partner=big, product=products["S1"], basis="markup", amount=25),
                SellingPrice(partner=big, product=products["C1"], basis="price", amount=4),
                SellingPrice(partner=big, product=products["A2"], basis="markup", amount=30),
            ]
            + [
                SellingPrice(
                    partner=big, product=products["S1"], basis="markup", amount=15, company=c
                )
                for c in Company.objects.filter(partner=big, status="complete")[::100]
            ]
        )
    with transaction.atomic(), connection.cursor() as cursor:
        _versions(cursor, big.pk, VERSIONS, 60, "big")
        _versions(cursor, None, SMALL_VERSIONS, 150, "small")
        _lines(cursor)
    # Written by SQL: counted in the partners' months as the migration counts existing data.
    figures_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _versions(cursor, partner_id, count: int, days: int, which: str) -> None:
    """``count`` versions a customer, ``days`` apart, the last in effect (or ended for every
    13th, the day after it started; a downsell scheduled 30 days ahead for every 17th)."""
    scope = "c.partner_id = %s" if partner_id else "c.partner_id <> %s"
    first = TODAY - datetime.timedelta(days=days * (count - 1) + 20)
    cursor.execute(
        f"""
        INSERT INTO companies_agreement (company_id, version, status, total_users, currency,
            reason, created_at, activated_at, effective_from, effective_until)
        SELECT c.id, v,
            CASE WHEN v < %s THEN 'superseded'
                 WHEN v = %s AND c.id %% 17 = 0 THEN 'scheduled'
                 WHEN c.id %% 13 = 0 THEN 'ended' ELSE 'active' END,
            20 + (c.id * v * 37) %% 900, 'USD', '', now(), now(),
            CASE WHEN v = %s AND c.id %% 17 = 0 THEN %s::date + 30
                 ELSE %s::date + ((v - 1) * %s + c.id %% 20)::int END,
            CASE WHEN v < %s - 1 OR (v = %s - 1 AND c.id %% 17 <> 0)
                   THEN %s::date + (v * %s + c.id %% 20)::int
                 WHEN v = %s - 1 THEN %s::date + 30
                 WHEN c.id %% 13 = 0 AND c.id %% 17 = 0 THEN %s::date + 31
                 WHEN c.id %% 13 = 0 THEN %s::date + ((v - 1) * %s + c.id %% 20 + 1)::int
                 ELSE NULL END
        FROM companies_company c CROSS JOIN generate_series(1, %s) v
        WHERE {scope} AND c.status = 'complete'
        """,
        [
            count,
            count,
            count,
            TODAY,
            first,
            days,
            count,
            count,
            first,
            days,
            count,
            TODAY,
            TODAY,
            first,
            days,
            count,
            partner_id or 1,
        ],  # fmt: skip
    )
    # A scheduled version's predecessor is the one in effect.
    cursor.execute(
        f"""
        UPDATE companies_agreement a SET status = 'active' FROM companies_company c
        WHERE c.id = a.company_id AND {scope} AND a.version = %s AND c.id %% 17 = 0
        """,
        [partner_id or 1, count - 1],
    )


def _lines(cursor) -> None:
    cursor.execute(
        """
        INSERT INTO companies_agreementline (agreement_id, product_id, code, name, term, charge,
            quantity, unit_price, payment, commitment, billing, term_start, term_end,
            auto_renew)
        SELECT a.id, p.id, p.code, p.name, 'monthly', 'per_seat', a.total_users, t.price,
            round(t.price * a.total_users, 2), '1y', 'monthly', e.ends - 365, e.ends,
            a.company_id %% 11 <> 0
        FROM companies_agreement a
        JOIN catalog_product p ON p.code = 'S1' OR (p.code = 'C1' AND a.company_id %% 2 = 0)
            OR (p.code = 'A2' AND a.company_id %% 3 = 0)
        CROSS JOIN LATERAL (SELECT CASE WHEN a.total_users >= 500 THEN 2.95
            WHEN a.total_users >= 250 THEN 3.20 ELSE 3.50 END AS price) t
        CROSS JOIN LATERAL (SELECT %s::date + ((a.company_id * 7919) %% 365)::int AS ends) e
        """,
        [TODAY],
    )
    cursor.execute(
        """
        UPDATE companies_company c SET renews_on = l.ends, commitment_ends_on = l.ends,
            monthly_fees = l.fees, fees_currency = 'USD'
        FROM (SELECT a.company_id, min(l.term_end) AS ends, sum(l.payment) AS fees
              FROM companies_agreementline l JOIN companies_agreement a ON a.id = l.agreement_id
              WHERE a.status = 'active' GROUP BY a.company_id) l
        WHERE c.id = l.company_id
        """
    )


def _staff_login(client, user) -> None:
    """Signed in with the second step passed, as vendor staff always are (an authenticator
    app is required of them)."""
    import django_otp
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.accounts.two_step import VERIFIED_AT

    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT] = timezone.now().timestamp()
    session.save()


def _slowest(name: str, result: dict) -> None:
    """The page's three dearest queries (where to look first)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed = []
    for sql in result["sql"]:
        with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
            cursor.execute(sql)
        timed.append((float(captured.captured_queries[0]["time"]) * 1000, sql))
    print(f"{name}: dearest queries")
    for ms, sql in sorted(timed, reverse=True)[:3]:
        print(f"  {ms:7.1f} ms  {' '.join(sql.split())[:150]}")


def main() -> None:
    args = parse_args()
    os.environ["BENCH_DATABASE_URL"] = os.environ.get(
        "BENCH_DASHBOARD_DATABASE_URL", DEFAULT_PG_URL
    )
    configure("postgres")

    import time

    import time_machine
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from portal.accounts.models import User
    from portal.companies.models import AgreementLine

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    if not present():
        start = time.perf_counter()
        load()
        print(f"loaded in {time.perf_counter() - start:.1f} s")
    print(
        f"data set: {CUSTOMERS:,} customers with {CUSTOMERS * VERSIONS:,} versions "
        f"({AgreementLine.objects.count():,} lines in all), {PROSPECTS:,} prospects; "
        f"{PARTNERS - 1} more partners with {SMALL} customers and {SMALL_VERSIONS} versions each"
    )
    import config.wsgi  # noqa: F401  (the server's start-up, as gunicorn's workers make it)

    results = {}
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=True):
        client = Client()
        client.force_login(User.objects.get(email="admin@bench.example"))
        results["MSP Dashboard"] = measure(client, "/dashboard/", {}, args.repeat)
        staff = Client()
        _staff_login(staff, User.objects.get(email="staff@bench.example"))
        results["vendor Dashboard"] = measure(staff, "/admin/dashboard/", {}, args.repeat)
    failed = False
    for name, result in results.items():
        _slowest(name, result)
    for name, result in results.items():
        target = TARGETS[name]
        verdict = "PASS" if result["p95"] <= target else "FAIL"
        failed = failed or verdict == "FAIL"
        print(
            f"{name:18} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
            f"{result['queries']:3d} queries ({result['sql_ms']:.1f} ms of SQL)  "
            f"target p95 <= {target:.0f} ms: {verdict}"
        )
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
