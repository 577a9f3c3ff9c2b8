"""Benchmark data: partners, their users and many prospects, loaded fast into the bench database.

Used by ``prospect_list.py`` once Django is set up against the bench database (never the
developer's). Rows are made in Python from a fixed seed, then loaded with COPY on PostgreSQL and
with executemany in large batches on SQLite.
"""

import random
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction

from portal.accounts.models import Partner, User
from portal.catalog.models import Product
from portal.companies.models import Company

SEED = 20260101
PARTNER_PREFIX = "Bench Partner"
# Bump to have every bench database loaded again after a change to the data below.
DATA_VERSION = "bench-data-5"
LEADS_PER_PARTNER = 4
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

FIRST = (
    "Acme Alder Alpine Apex Arbor Arrow Aspen Atlas Aurora Avalon Beacon Birch Bluebird Bright "
    "Brook Cedar Clover Cobalt Coastal Copper Crest Crown Cypress Delta Diverse Eagle Ember "
    "Everest Evergreen Falcon Fjord Forest Golden Granite Harbor Hawthorn Highland Horizon Hudson "
    "Iron Ivory Jade Juniper Kestrel Keystone Lakeside Liberty Lumen Maple Marlow Meadow Meridian "
    "Metro Midland Monarch Nexus Northwind Nova Oak Onyx Orbit Overland Pacific Pine Pinnacle "
    "Prairie Quantum Quarry Radiant Redwood Riverside Rover Sable Silver Sterling Summit Tidal "
    "Titan Union Universal Valley Vanguard Velvet Vertex Willow Windmill Xenon Yarrow Yukon Zenith "
    "Zephyr"
).split()
SECOND = (
    "Accounting Advisors Analytics Architects Bakery Builders Capital Clinic Consulting Dental "
    "Design Distribution Energy Engineering Farms Foods Freight Health Holdings Hotels Insurance "
    "Labs Law Logistics Manufacturing Marine Media Medical Motors Networks Partners Pharma "
    "Printing Properties Realty Recruitment Robotics Security Services Software Solutions Studios "
    "Supply Systems Technologies Textiles Traders Transport Travel Ventures Veterinary Wealth Works"
).split()
LEADING = ["1st", "24/7", "360", "3D", "4Sight", "7 Seas", "21st Century", "99", "A1", "2020"]
SUFFIXES = ["Inc.", "LLC", "Ltd", "GmbH", "S.A.", "B.V.", "Pty Ltd", "& Co.", "Corp.", "AG", ""]
REGIONS = (
    "North South East West Central Pacific Atlantic Midwest Coastal Metro Northern Southern "
    "Alpine Bay Capital Eastern Western Highland Island Valley"
).split()
TLDS = [".com", ".com", ".com", ".net", ".io", ".co.uk", ".de", ".com.au", ".ca", ".nl"]
GIVEN = "Alex Sam Jordan Taylor Morgan Casey Riley Jamie Avery Quinn Drew Harper Rowan".split()
FAMILY = "Smith Jones Garcia Müller Rossi Nguyen Kim Patel Silva Novak Brown Okafor".split()
COMPANY_TYPES = ["end_customer"] * 7 + ["public_sector", "non_profit", "education", "other"]
SECTORS = [choice for choice, _ in Company.Sector.choices] + [""]
# The products every partner has enabled, with the share of prospects expected to buy each
# (a prospect's products are rows of companies_companyproduct): a common one, a middling one and
# a rare one, so that the product filter is measured at both ends.
PRODUCTS = [("BS1", "Bench Suite", 60), ("BA1", "Bench Add-on", 30), ("BR1", "Bench Rare", 2)]
# What the big partner's Complete customers pay: products, a price per seat, a currency.
PLANS = [(" BS1 ", "4.50"), (" BS1 BA1 ", "6.25"), (" BS1 BR1 ", "9.00"), (" BA1 ", "2.00")]

# Every column the loader writes; the two GENERATED columns (name_initial, name_key) are left to
# the database.
COLUMNS = (
    "partner_id",
    "status",
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
    "next_billing_date",
    "fee_products",
    "fee_seats",
    "monthly_fees",
    "fees_currency",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class Size:
    partners: int
    total: int  # prospects of all partners together
    big: int  # prospects of the first partner, the one the benchmark signs in to
    customers: int = 0  # Complete customers of the first partner

    def counts(self) -> list[int]:
        rest, extra = divmod(self.total - self.big, self.partners - 1)
        return [self.big] + [rest + (i < extra) for i in range(self.partners - 1)]

    def __str__(self) -> str:
        return (
            f"{self.partners} partners, {self.total:,} prospects, "
            f"{self.big:,} of them for the partner measured, "
            f"which also has {self.customers:,} Complete customers"
        )


def admin_email(index: int) -> str:
    return f"admin@p{index:03d}.bench.example"


def present(size: Size) -> bool:
    """Whether the bench database already holds exactly this data set."""
    partners = list(
        Partner.objects.filter(name__startswith=PARTNER_PREFIX, msa_version=DATA_VERSION)
        .order_by("name")
        .values_list("id", flat=True)
    )
    if len(partners) != size.partners or not User.objects.filter(email=admin_email(0)).exists():
        return False
    prospects = Company.objects.filter(status=Company.Status.PROSPECT)
    customers = Company.objects.filter(partner_id=partners[0], status=Company.Status.COMPLETE)
    return (
        prospects.count() == size.total
        and prospects.filter(partner_id=partners[0]).count() == size.big
        and customers.count() == size.customers
    )


def ensure(size: Size) -> float | None:
    """Load the data set unless it is there already; the seconds it took, or None."""
    if present(size):
        return None
    start = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    leads = _partners_and_users(size)
    rows = _rows(size, leads)
    if connection.vendor == "postgresql":
        _load_postgresql(rows)
        _products_of_prospects()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        _load_sqlite(rows)
        _products_of_prospects()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _partners_and_users(size: Size) -> list[tuple[int, list[tuple[int, str]]]]:
    """The partners, each with an Admin, a Sales user and implementation leads.

    Each partner's id with its leads' ids and names, in the order of ``Size.counts``.
    """
    partners = Partner.objects.bulk_create(
        Partner(name=f"{PARTNER_PREFIX} {index:03d}", msa_version=DATA_VERSION)
        for index in range(size.partners)
    )
    products = [
        Product.objects.update_or_create(
            code=code, defaults={"name": name, "kind": Product.Kind.PRIMARY, "position": n}
        )[0]
        for n, (code, name, _) in enumerate(PRODUCTS)
    ]
    Partner.products.through.objects.bulk_create(
        Partner.products.through(partner_id=partner.pk, product_id=product.pk)
        for partner in partners
        for product in products
    )
    rng = random.Random(SEED)
    password = make_password(None)  # unusable: the benchmark signs in with force_login
    users = []
    for index, partner in enumerate(partners):
        domain = f"p{index:03d}.bench.example"
        users.append(
            User(
                email=admin_email(index),
                full_name=f"Admin {index:03d}",
                partner=partner,
                role=User.Role.ADMIN,
                password=password,
            )
        )
        users.append(
            User(email=f"sales@{domain}", partner=partner, role="sales", password=password)
        )
        names = {f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(LEADS_PER_PARTNER)}
        for n, full_name in enumerate(sorted(names)):
            users.append(
                User(
                    email=f"lead{n}@{domain}",
                    full_name=full_name,
                    partner=partner,
                    role=User.Role.SALES,
                    is_implementation_lead=True,
                    password=password,
                )
            )
    User.objects.bulk_create(users)
    by_partner = {partner.id: [] for partner in partners}
    for user in User.objects.filter(is_implementation_lead=True, partner__in=partners):
        by_partner[user.partner_id].append((user.id, user.full_name))
    return [(partner.id, by_partner[partner.id]) for partner in partners]


def _name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        words = [rng.choice(LEADING), rng.choice(SECOND)]
    elif roll < 0.10:
        words = ["The", rng.choice(FIRST), rng.choice(SECOND)]
    elif roll < 0.25:
        words = [rng.choice(FIRST), rng.choice(FIRST), rng.choice(SECOND)]
    else:
        words = [rng.choice(FIRST), rng.choice(SECOND)]
    suffix = rng.choice(SUFFIXES)
    return " ".join([*words, suffix] if suffix else words)


def _rows(size: Size, leads: list[tuple[int, list[tuple[int, str]]]]):
    """Every prospect as a tuple in COLUMNS order.

    The partners' rows come interleaved, as years of use would store them: the big partner's
    rows are spread over the whole table, not packed together in a few pages.
    """
    rng = random.Random(SEED)
    order = [index for index, count in enumerate(size.counts()) for _ in range(count)]
    order += [-1] * size.customers  # the big partner's Complete customers
    rng.shuffle(order)
    names: list[set[str]] = [set() for _ in leads]
    domains: set[str] = set()
    three_years = 3 * 365 * 86400
    for index in order:
        customer = index == -1
        index = max(index, 0)
        partner_id, partner_leads = leads[index]
        name = _name(rng)
        while name.lower() in names[index]:  # one name per partner, whatever its case
            name = f"{name} {rng.choice(REGIONS)}"
        names[index].add(name.lower())
        stem = re.sub(r"[^a-z0-9]+", "", " ".join(name.lower().split()[:2]))
        tld = rng.choice(TLDS)
        domain, n = f"{stem}{tld}", 1
        while domain in domains:
            n += 1
            domain = f"{stem}{n}{tld}"
        domains.add(domain)
        lead_id, lead_name = rng.choice(partner_leads) if rng.random() < 0.85 else (None, "")
        updated = NOW - timedelta(seconds=rng.randrange(three_years))
        provision = TODAY + timedelta(days=rng.randrange(-180, 540))
        users = min(20_000, max(1, int(rng.lognormvariate(4, 1.2))))
        # A prospect's expected products, kept on the company as the upload writes them.
        codes = [code for code, _, share in PRODUCTS if rng.randrange(100) < share]
        fees = (f" {' '.join(codes)} " if codes else "", None, None, "")
        if customer:
            products, price = rng.choice(PLANS)
            fees = (products, users, Decimal(price) * users, rng.choice(["USD"] * 9 + ["EUR"]))
        yield (
            partner_id,
            (Company.Status.COMPLETE if customer else Company.Status.PROSPECT).value,
            rng.choice(COMPANY_TYPES),
            name,
            domain,
            f"https://www.{domain}/" if rng.random() < 0.5 else "",
            rng.choice(SECTORS),
            lead_id,
            None,
            lead_name,
            provision if rng.random() < 0.75 else None,
            users if rng.random() < 0.9 else None,
            TODAY + timedelta(days=rng.randrange(1, 365)) if customer else None,
            *fees,
            updated - timedelta(seconds=rng.randrange(365 * 86400)),
            updated,
        )


def _load_postgresql(rows) -> None:
    """COPY into the table with its secondary indexes dropped, then build them again.

    One transaction: should anything fail, the table keeps its indexes and no rows.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = 'companies_company'
              AND indexname NOT IN (
                SELECT conname FROM pg_constraint
                WHERE conrelid = 'companies_company'::regclass)
            """
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with cursor.copy(f"COPY companies_company ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        # Check the deferred foreign keys now: an index cannot be built with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in indexes:
            cursor.execute(definition)


def _load_sqlite(rows, batch: int = 20_000) -> None:
    # A raw cursor: dates and times go in as the text Django itself would store.
    date, moment = connection.ops.adapt_datefield_value, connection.ops.adapt_datetimefield_value
    sql = (
        f"INSERT INTO companies_company ({', '.join(COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        chunk = []
        for row in rows:
            chunk.append(
                (
                    *row[:10],
                    date(row[10]),
                    row[11],
                    date(row[12]),
                    *row[13:15],
                    None if row[15] is None else str(row[15]),
                    row[16],
                    moment(row[17]),
                    moment(row[18]),
                )
            )
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)


def _products_of_prospects() -> None:
    """Each prospect's expected products as rows of companies_companyproduct, made from the codes
    loaded on the company (as the upload writes both): one INSERT … SELECT per product."""
    with transaction.atomic(), connection.cursor() as cursor:
        for code, _, _ in PRODUCTS:
            cursor.execute(
                "INSERT INTO companies_companyproduct (company_id, product_id, seats) "
                "SELECT id, %s, NULL FROM companies_company "
                "WHERE status = 'prospect' AND fee_products LIKE %s",
                [Product.objects.get(code=code).pk, f"% {code} %"],
            )
