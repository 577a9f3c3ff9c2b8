"""Demo data: two partners, their users, the catalog with tiered contracted prices and the
vendor's term policy, prospects, and customers with agreements in effect for some time: the
seeds' Northwind and Fabrikam on monthly terms, and customers on annual (and one on a 3-year)
commitments whose terms end over the coming months, counted from the day the data is loaded
(some within 7, 30 and 60 days), one with an add-on co-termed mid-term, one not renewing, and
a price rise a month ahead. A year of history: customers won month after month, former
customers who grew, shrank and left (the dashboard's lines are not flat); and the last 90 days
of usage, as the simulated vendor reports it (some customers above their licences, some below).
Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Partner, User
from portal.catalog.models import Commitment, ContractedPrice, ListPrice, PriceList, Product
from portal.catalog.selectors import price_table_for
from portal.companies.billing import add_months, first_of_next_month
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create, company_create, company_set_status
from portal.companies.terms import LineTerm
from portal.companies.versions import versions_move
from portal.orders.models import Question
from portal.orders.services import OrderInput, order_save
from portal.pricebook.services import selling_price_set
from portal.pricing import price_order
from portal.sync.simulator import simulate_usage
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import BilledSeats, Reconciliation
from portal.usage.reconciliation import refresh_due
from portal.usage.trend import trend_days

DEMO_PASSWORD = "demo"  # noqa: S105 — the published demo password

# code, name, kind, charge, term, own seats, position
PRODUCTS = [
    ("S1", "Email Security Cloud Gateway", "primary", "per_seat", "monthly", False, 10),
    ("S2", "Email Security Cloud Integrated Suite", "primary", "per_seat", "monthly", False, 20),
    ("C1", "Continuity", "primary", "per_seat", "monthly", False, 30),
    ("A1", "Mac Client", "addon", "per_seat", "monthly", True, 40),
    ("A2", "Security Awareness Training", "addon", "per_seat", "monthly", False, 50),
    ("A3", "Archive 10-Year Retention", "addon", "per_seat", "annual", False, 60),
    ("OB1", "Onboarding Service", "addon", "flat", "one_time", False, 70),
]
LIST_PRICES = {
    "S1": "4.00",
    "S2": "6.00",
    "C1": "1.50",
    "A1": "1.00",
    "A2": "2.00",
    "A3": "12.00",
    "OB1": "750.00",
}
# The vendor's term policy: the terms each product is offered on (default: monthly, 1-year).
TERMS_OFFERED = {
    "S1": ["monthly", "1y", "3y"],
    "S2": ["monthly", "1y", "3y"],
    "A3": ["1y"],
}
# partner → code → [(from quantity, unit price)]: volume tiers, "all units"
CONTRACTED = {
    "Acme IT Services": {
        "S1": [(1, "3.50"), (250, "3.20"), (500, "2.95"), (1000, "2.70")],
        "S2": [(1, "5.20"), (250, "4.90"), (500, "4.60")],
        "C1": [(1, "1.25"), (250, "1.10")],
        "A1": [(1, "0.90")],
        "A2": [(1, "1.75"), (500, "1.55")],
        "A3": [(1, "10.00")],
        "OB1": [(1, "500.00")],
    },
    "Globex Managed Services": {
        "S1": [(1, "3.75"), (500, "3.40")],
        "S2": [(1, "5.50"), (500, "5.00")],
        "C1": [(1, "1.35")],
        "A1": [(1, "0.95")],
        "OB1": [(1, "650.00")],
    },
}
USERS = [
    ("admin@acme-msp.example", "Alice Admin", "Acme IT Services", "admin", True),
    ("sales@acme-msp.example", "Sam Sales", "Acme IT Services", "sales", False),
    ("lead@acme-msp.example", "Lee Lead", "Acme IT Services", "sales", True),
    ("admin@globex-msp.example", "Gina Globex", "Globex Managed Services", "admin", True),
]
FIRST = [
    "Alpine",
    "Bluewater",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Lakeside",
    "Meridian",
    "Northgate",
    "Oakridge",
    "Pioneer",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Union",
    "Valley",
    "Westfield",
    "Yellowstone",
    "Zenith",
    "Aurora",
    "Beacon",
    "Clearview",
    "Driftwood",
    "Elmhurst",
    "Foxglove",
    "Gateway",
    "Highland",
    "Ivory",
    "Jasper",
    "Kingsbridge",
    "Lighthouse",
    "Maplewood",
    "Nightingale",
    "Orchard",
    "Parkside",
    "Riverside",
    "Silverline",
    "Thornbury",
    "Upland",
    "Vantage",
    "Willow",
    "Zephyr",
]
SECOND = [
    "Dental Group",
    "Credit Union",
    "Freight Ltd",
    "Legal LLP",
    "Architects",
    "Medical Practice",
    "Engineering Inc",
    "Accountants",
    "Logistics",
    "Insurance Brokers",
]
DIGIT_NAMES = [
    "3 Rivers Credit Union",
    "21st Century Freight Ltd",
    "360 Degree Marketing Inc",
    "1st Choice Staffing",
    "4 Seasons Property Management",
    "7 Hills Veterinary Clinic",
    "24 Hour Plumbing Services",
    "99 Problems Consulting",
    "2nd Street Bakery",
    "5 Star Movers",
    "8th Avenue Dental",
    "100 Acre Farms",
]
GLOBEX_PROSPECTS = ["Hooli Analytics", "Initrode Manufacturing", "Vandelay Industries"]
# Acme's customers on commitments: name, domain, seats per product, term, days from the day
# the demo is loaded to the term's end (its renewal). Their lead is Acme's Admin.
YEAR, THREE_YEARS = Commitment.ONE_YEAR, Commitment.THREE_YEARS
COMMITTED = [
    ("Tailspin Toys", "tailspintoys.example", {"S1": 120}, YEAR, 5),
    ("Litware Inc", "litware.example", {"S2": 260}, YEAR, 21),
    ("Adventure Works Cycles", "adventure-works.example", {"S1": 430, "A3": 430}, YEAR, 45),
    ("Lucerne Publishing", "lucernepublishing.example", {"S1": 85}, YEAR, 80),
    ("Woodgrove Bank", "woodgrovebank.example", {"S2": 900}, THREE_YEARS, 150),
    ("Coho Winery", "cohowinery.example", {"S1": 60}, YEAR, 270),
]
# Litware's customer does not renew: its S2 ends at term end, and it becomes a former customer.
AUTO_RENEW_OFF = {"Litware Inc"}
# A price rise ahead: Acme's contracted A3 and S2 from PRICE_RISE_DAYS after the load, so that
# the renewals after it are priced higher than today (Adventure Works, Woodgrove Bank).
PRICE_RISE_DAYS = 30
PRICE_RISES = {"A3": [(1, "10.50")], "S2": [(1, "5.40"), (250, "5.10"), (500, "4.80")]}
# The add-on bought mid-term: S1 on a 1-year commitment ending in CO_TERMED_DAYS, A2 added
# ADDED_DAYS_AGO and co-termed (it renews with S1).
CO_TERMED = ("Wide World Importers", "wideworldimporters.example", 300)
CO_TERMED_DAYS, ADDED_DAYS_AGO = 200, 45
# Acme's former customers, on monthly terms: name, domain, their versions as (months before
# this month's first day it took effect, seats per product), and the months ago it ended.
FORMER = [
    (
        "Proseware Inc",
        "proseware.example",
        [(11, {"S1": 150}), (7, {"S1": 180, "A2": 180}), (4, {"S1": 140})],
        2,
    ),
    ("Relecloud", "relecloud.example", [(10, {"S2": 75})], 5),
]


# Acme's price book: (product, "markup" in percent or "price" per unit, amount).
PRICE_BOOK = [
    ("S1", "markup", "25"),
    ("S2", "markup", "20"),
    ("C1", "price", "1.60"),
    ("A1", "price", "1.50"),
    ("A2", "markup", "30"),
    ("A3", "markup", "15"),
    ("OB1", "price", "750.00"),
]


def _prospect_names() -> list[str]:
    names = list(DIGIT_NAMES)
    for i, first in enumerate(FIRST):
        names.append(f"{first} {SECOND[i % len(SECOND)]}")
    return names[:60]


def _next_billing(start: datetime.date, today: datetime.date) -> datetime.date:
    """The next monthly billing date of a term that started on ``start``: its next monthly
    anniversary after today (counted from the start, so that the 31st stays the 31st)."""
    months = 1
    while add_months(start, months) <= today:
        months += 1
    return add_months(start, months)


@transaction.atomic
def load_demo_data() -> bool:
    """Returns False when the demo data is there already."""
    if Partner.objects.filter(name="Acme IT Services").exists():
        return False
    products = _catalog()
    partners = _partners(products)
    users = _users(partners)
    _staff()
    today = timezone.localdate()
    acme, globex = partners["Acme IT Services"], partners["Globex Managed Services"]
    admin, lead = users["admin@acme-msp.example"], users["lead@acme-msp.example"]

    for i, name in enumerate(_prospect_names()):
        company_create(
            partner=acme,
            actor=admin,
            name=name,
            domain=name.lower().replace(" ", "").replace("-", "")[:40] + ".example",
            company_type=Company.CompanyType.END_CUSTOMER,
            sector=list(Company.Sector)[i % len(Company.Sector)],
            implementation_lead=lead if i % 2 else admin,
            expected_provision_date=today + datetime.timedelta(days=14 + i),
            permitted_users=25 + (i * 37) % 900,
            products={products["S1"]: None}
            if i % 3
            else {products["S2"]: None, products["A1"]: 10},
        )
    _draft_order(acme, admin)
    _monthly_customer(
        acme, admin, lead, "Northwind Traders", "northwindtraders.example", {"S1": 682}, today, 9
    )
    _monthly_customer(
        acme,
        admin,
        lead,
        "Fabrikam Logistics",
        "fabrikam-logistics.example",
        {"S1": 350, "C1": 350},
        today,
        5,
    )
    for name, domain, seats, commitment, days in COMMITTED:
        end = today + datetime.timedelta(days=days)
        start = add_months(end, -Commitment(commitment).months)
        renews = name not in AUTO_RENEW_OFF
        terms = {code: LineTerm(commitment, renews, start, end) for code in seats}
        _customer(acme, admin, admin, name, domain, seats, terms, start, today)
    _co_termed_customer(acme, admin, today)
    for name, domain, versions, ended in FORMER:
        _former_customer(acme, admin, name, domain, versions, ended, today)
    _price_rise(acme, products, today + datetime.timedelta(days=PRICE_RISE_DAYS))
    _price_book(acme, admin, products)

    gina = users["admin@globex-msp.example"]
    for name in GLOBEX_PROSPECTS:
        company_create(
            partner=globex,
            actor=gina,
            name=name,
            implementation_lead=gina,
            domain=name.split()[0].lower() + ".example",
            permitted_users=120,
        )
    _monthly_customer(
        globex, gina, gina, "Initech Holdings", "initech.example", {"S2": 140}, today, 3
    )
    load_demo_usage(today)
    _billed_seats(acme, admin)
    return True


def _billed_seats(partner: Partner, actor: User) -> None:
    """What the MSP's PSA bills, as an upload would have put it: most customers billed their
    licences, every third a few seats short (so that some seats in use are not billed)."""
    refresh_due()
    rows = Reconciliation.objects.filter(partner=partner, licensed__gt=0).order_by("id")
    entries = [
        Billed(row.company, row.product, max(0, row.licensed - (5 if i % 3 == 0 else 0)))
        for i, row in enumerate(rows.select_related("company", "product"))
    ]
    billed_seats_set(entries, actor=actor, source=BilledSeats.Source.UPLOADED)


def load_demo_usage(today: datetime.date) -> int:
    """The usage of the days a customer page's Usage shows (the 90 before ``today``), reported
    by the simulated vendor as its daily job would have: through the usage reports' own checks,
    each partner's day a report whose id is made of them, so that a day reported already is
    answered ``repeated`` and changes nothing. How many days were stored now."""
    stored = 0
    for day in trend_days(today):
        answers = simulate_usage(day)
        stored += any(answer.endswith(" stored") for answer in answers)
    return stored


def _draft_order(partner: Partner, actor: User) -> None:
    """A prospect whose order was saved, not submitted: the list marks it, Review Order
    restores it."""
    company = Company.objects.filter(partner=partner).order_by("name_key").first()
    order_save(
        company=company,
        actor=actor,
        data=OrderInput(
            implementation_lead=company.implementation_lead,
            permitted_users=company.permitted_users,
            products={item.product: item.seats for item in company.products.all()},
            infrastructure={
                Question.MAIL_SERVER: "Microsoft 365 / Exchange Online",
                Question.CITRIX: "No",
            },
            order_number="",
            order_number_not_required=False,
        ),
    )


def _catalog() -> dict[str, Product]:
    products = {}
    for code, name, kind, charge, term, own_seats, position in PRODUCTS:
        products[code] = Product.objects.create(
            code=code,
            name=name,
            kind=kind,
            charge=charge,
            term=term,
            needs_own_seats=own_seats,
            position=position,
        )
    for code, terms in TERMS_OFFERED.items():
        products[code].terms_offered = terms
        products[code].save(update_fields=["terms_offered"])
    products["S2"].upgrades.add(products["S1"])
    products["C1"].addable_to.add(products["S1"], products["S2"])
    for code in ("A1", "A2", "A3", "OB1"):
        products[code].addable_to.add(products["S1"], products["S2"])
    price_list = PriceList.objects.create(
        name="Vendor list prices 2026", currency="USD", effective_from=datetime.date(2026, 1, 1)
    )
    ListPrice.objects.bulk_create(
        ListPrice(
            price_list=price_list,
            product=products[code],
            term=products[code].term,
            unit_price=Decimal(price),
        )
        for code, price in LIST_PRICES.items()
    )
    return products


def _partners(products: dict[str, Product]) -> dict[str, Partner]:
    partners = {}
    for name, prices in CONTRACTED.items():
        partner = Partner.objects.create(name=name, currency="USD", msa_version="2024-03")
        partner.products.set(products[code] for code in prices)
        ContractedPrice.objects.bulk_create(
            ContractedPrice(
                partner=partner,
                product=products[code],
                term=products[code].term,
                min_quantity=qty,
                unit_price=Decimal(price),
            )
            for code, tiers in prices.items()
            for qty, price in tiers
        )
        partners[name] = partner
    return partners


def _price_book(partner: Partner, actor: User, products: dict[str, Product]) -> None:
    """Acme's own prices: a markup on most products, a fixed price on others, and a better
    price for its biggest customer."""
    for code, basis, amount in PRICE_BOOK:
        selling_price_set(
            partner=partner,
            product=products[code],
            basis=basis,
            amount=Decimal(amount),
            actor=actor,
        )
    selling_price_set(
        partner=partner,
        product=products["S2"],
        basis="markup",
        amount=Decimal("12"),
        actor=actor,
        company=Company.objects.get(partner=partner, name="Woodgrove Bank"),
    )


def _price_rise(partner: Partner, products: dict[str, Product], day: datetime.date) -> None:
    ContractedPrice.objects.bulk_create(
        ContractedPrice(
            partner=partner,
            product=products[code],
            term=products[code].term,
            min_quantity=qty,
            unit_price=Decimal(price),
            effective_from=day,
        )
        for code, tiers in PRICE_RISES.items()
        for qty, price in tiers
    )


def _users(partners: dict[str, Partner]) -> dict[str, User]:
    return {
        email: User.objects.create_user(
            email,
            DEMO_PASSWORD,
            full_name=full_name,
            partner=partners[partner],
            role=role,
            is_implementation_lead=lead,
        )
        for email, full_name, partner, role, lead in USERS
    }


def _staff() -> None:
    if not User.objects.filter(email="staff@vendor.example").exists():
        User.objects.create_superuser(
            "staff@vendor.example", DEMO_PASSWORD, full_name="Vendor Staff"
        )


def _monthly_customer(partner, actor, lead, name, domain, seats, today, months: int) -> Company:
    """A customer since the first of the month ``months`` ago, on monthly terms: the term
    running is this month's, renewed on the first of next month, its billing date."""
    this_month = today.replace(day=1)
    terms = {
        code: LineTerm(Commitment.MONTHLY, True, this_month, first_of_next_month(today))
        for code in seats
    }
    since = add_months(this_month, -months)
    return _customer(partner, actor, lead, name, domain, seats, terms, since, today)


def _customer(partner, actor, lead, name, domain, seats, terms, since, today) -> Company:
    """A Complete customer whose version 1 has been in effect since ``since``, its lines on
    ``terms``; billed monthly from the day its first line's term started."""
    users = max(seats.values())
    quote = price_order(price_table_for(partner=partner), seats)
    company = company_create(
        partner=partner,
        actor=actor,
        name=name,
        domain=domain,
        implementation_lead=lead,
        permitted_users=users,
        next_billing_date=_next_billing(next(iter(terms.values())).term_start, today),
        sector=Company.Sector.TRANSPORT if "Logistics" in name else Company.Sector.RETAIL,
    )
    _version(company, actor, quote, users, terms, since)
    company_set_status(company=company, status=Company.Status.IN_PROGRESS, actor=actor)
    company_set_status(company=company, status=Company.Status.COMPLETE, actor=actor)
    return company


def _version(company, actor, quote, users, terms, since) -> Agreement:
    agreement = agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.ACTIVE,
        total_users=users,
        currency=company.partner.currency,
        actor=actor,
        terms=terms,
        effective_from=since,
    )
    # Made and provisioned back then, as the Agreements tab shows it.
    moment = timezone.make_aware(datetime.datetime.combine(since, datetime.time(9)))
    Agreement.objects.filter(pk=agreement.pk).update(created_at=moment, activated_at=moment)
    return agreement


def _co_termed_customer(partner, actor, today) -> Company:
    """S1 on a 1-year commitment; A2 bought mid-term in a second version, co-termed: its term
    started the day it was added and ends with S1's."""
    name, domain, users = CO_TERMED
    end = today + datetime.timedelta(days=CO_TERMED_DAYS)
    start = add_months(end, -12)
    added = today - datetime.timedelta(days=ADDED_DAYS_AGO)
    s1 = LineTerm(Commitment.ONE_YEAR, True, start, end)
    company = _customer(
        partner, actor, actor, name, domain, {"S1": users}, {"S1": s1}, start, today
    )
    first = company.agreements.get()
    versions_move(
        company=company,
        moves=[(first, Agreement.Status.SUPERSEDED)],
        actor=actor,
        summary=f"Agreement version 1 superseded on {added:%Y-%m-%d}: A2 added",
        today=added,
    )
    quote = price_order(price_table_for(partner=partner), {"S1": users, "A2": users})
    a2 = LineTerm(Commitment.ONE_YEAR, True, added, end)
    _version(company, actor, quote, users, {"S1": s1, "A2": a2}, added)
    return company


def _former_customer(partner, actor, name, domain, versions, ended, today) -> Company:
    """A customer on monthly terms whose versions took effect on the first of the months
    given, each superseding the one before, and whose last ended ``ended`` months ago."""
    this_month = today.replace(day=1)
    table = price_table_for(partner=partner)
    company, previous = None, None
    for months, seats in versions:
        since = add_months(this_month, -months)
        terms = {
            code: LineTerm(Commitment.MONTHLY, True, since, add_months(since, 1)) for code in seats
        }
        if company is None:
            company = _customer(partner, actor, actor, name, domain, seats, terms, since, today)
        else:
            versions_move(
                company=company,
                moves=[(previous, Agreement.Status.SUPERSEDED)],
                actor=actor,
                summary=f"Agreement version {previous.version} superseded on {since:%Y-%m-%d}",
                today=since,
            )
            quote = price_order(table, seats)
            _version(company, actor, quote, max(seats.values()), terms, since)
        previous = company.agreements.get(status=Agreement.Status.ACTIVE)
    end = add_months(this_month, -ended)
    versions_move(
        company=company,
        moves=[(previous, Agreement.Status.ENDED)],
        actor=actor,
        summary=f"Every product ended on {end:%Y-%m-%d}: auto-renew off",
        ends=[(previous, end)],
        today=end,
    )
    company_set_status(company=company, status=Company.Status.FORMER, actor=actor)
    return company
