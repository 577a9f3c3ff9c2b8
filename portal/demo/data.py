"""Demo data: two partners, their users, the catalog with tiered contracted prices, prospects
and customers with active agreements. Running it again changes nothing."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import Partner, User
from portal.catalog.models import ContractedPrice, ListPrice, PriceList, Product
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, Company
from portal.companies.services import agreement_create, company_create, company_set_status
from portal.orders.models import Question
from portal.orders.services import OrderInput, order_save
from portal.pricing import price_order

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


def _prospect_names() -> list[str]:
    names = list(DIGIT_NAMES)
    for i, first in enumerate(FIRST):
        names.append(f"{first} {SECOND[i % len(SECOND)]}")
    return names[:60]


def _next_month_start(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


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
    _customer(
        acme, admin, lead, "Northwind Traders", "northwindtraders.example", {"S1": 682}, 682, today
    )
    _customer(
        acme,
        admin,
        lead,
        "Fabrikam Logistics",
        "fabrikam-logistics.example",
        {"S1": 350, "C1": 350},
        350,
        today,
    )

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
    _customer(globex, gina, gina, "Initech Holdings", "initech.example", {"S2": 140}, 140, today)
    return True


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


def _customer(partner, actor, lead, name, domain, seats, users, today) -> Company:
    table = price_table_for(partner=partner)
    quote = price_order(table, seats)
    company = company_create(
        partner=partner,
        actor=actor,
        name=name,
        domain=domain,
        implementation_lead=lead,
        permitted_users=users,
        next_billing_date=_next_month_start(today),
        sector=Company.Sector.TRANSPORT if "Logistics" in name else Company.Sector.RETAIL,
    )
    agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.ACTIVE,
        total_users=users,
        currency=partner.currency,
        actor=actor,
    )
    company_set_status(company=company, status=Company.Status.IN_PROGRESS, actor=actor)
    company_set_status(company=company, status=Company.Status.COMPLETE, actor=actor)
    return company
