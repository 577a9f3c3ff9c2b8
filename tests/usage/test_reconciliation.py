"""The kept reconciliation rows: licensed, used and billed per customer and product, and the
money at stake, always what a brute-force reading of the sources gives."""

import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, AgreementLine
from portal.core import events
from portal.pricebook.services import selling_price_set
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import BilledSeats, Reconciliation, ReconciliationDue, UsageFigure
from portal.usage.reconciliation import mark_due, refresh_due
from tests.fixtures.customers import make_customer, usage_reported

DAY = datetime.date(2026, 11, 20)


def brute_force(companies, partner) -> dict:
    """Every customer's rows worked out from the sources, one by one, the slow way."""
    from portal.pricebook.models import SellingPrice

    expected = {}
    for company in companies:
        lines = AgreementLine.objects.filter(
            agreement__company=company, agreement__status=Agreement.Status.ACTIVE
        )
        keys = {}
        for line in lines:
            if line.charge != "per_seat":
                continue
            cost = line.unit_price / 12 if line.term == "annual" else line.unit_price
            keys[line.product_id] = [line.quantity, cost.quantize(Decimal("0.0001"))]
        used, billed = {}, {}
        for figure in UsageFigure.objects.filter(company=company):
            if figure.product_id not in used or figure.day > used[figure.product_id][1]:
                used[figure.product_id] = (figure.in_use, figure.day)
        for entry in BilledSeats.objects.filter(company=company).order_by("entered_at", "id"):
            billed[entry.product_id] = entry.seats
        for product in set(keys) | set(used) | set(billed):
            in_use = used.get(product, (None,))[0]
            licensed, cost = keys.get(product, [0, None])
            if cost is None:  # not licensed: at the contracted price of the seats in use
                table = price_table_for(partner=partner)
                code = Product.objects.get(pk=product).code
                cost = table.unit_amount(code, max(in_use or 0, 1))
                if table.product(code).term == "annual":
                    cost = (cost / 12).quantize(Decimal("0.0001"))
            own = (
                SellingPrice.objects.filter(
                    partner=partner, product_id=product, company=company
                ).first()
                or SellingPrice.objects.filter(
                    partner=partner, product_id=product, company=None
                ).first()
            )
            price = cost
            if own is not None:
                if own.basis == "price":
                    price = own.amount
                else:
                    price = (cost * (100 + own.amount) / 100).quantize(
                        Decimal("0.01"), rounding=ROUND_HALF_UP
                    )
            above = max(in_use - licensed, 0) if in_use is not None else 0
            below = max(licensed - in_use, 0) if in_use is not None else 0
            unbilled = (
                max(in_use - billed[product], 0) if in_use is not None and product in billed else 0
            )
            expected[(company.pk, product)] = (
                licensed,
                in_use,
                billed.get(product),
                above,
                below,
                unbilled,
                ((above + below) * cost + unbilled * price).quantize(Decimal("0.01")),
            )
    return expected


def kept() -> dict:
    return {
        (row.company_id, row.product_id): (
            row.licensed,
            row.used,
            row.billed,
            row.above,
            row.below,
            row.unbilled,
            Decimal(row.at_stake).quantize(Decimal("0.01")),
        )
        for row in Reconciliation.objects.all()
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kept_rows_match_a_brute_force_reading_of_generated_data(
    seed, acme, acme_admin, price_list, catalog
):
    draw = random.Random(seed)
    companies = []
    for number in range(8):
        quantities = {"S1": draw.randint(1, 900)}
        if draw.random() < 0.5:
            quantities["C1"] = quantities["S1"]
        if draw.random() < 0.3:
            quantities["A1"] = draw.randint(1, 50)
        companies.append(
            make_customer(acme, acme_admin, f"Customer {number}", quantities, quantities["S1"])
        )
    products = [catalog[code] for code in ("S1", "C1", "A1", "S2")]
    for _ in range(60):
        company, product = draw.choice(companies), draw.choice(products)
        day = DAY - datetime.timedelta(days=draw.randint(0, 20))
        usage_reported(company, product, day, draw.randint(0, 1000))
    for _ in range(15):
        company, product = draw.choice(companies), draw.choice(products)
        billed_seats_set(
            [Billed(company, product, draw.randint(0, 1000))], actor=acme_admin, source="entered"
        )
    selling_price_set(
        partner=acme, product=catalog["S1"], basis="markup", amount=Decimal("25"), actor=acme_admin
    )
    selling_price_set(
        partner=acme,
        product=catalog["C1"],
        basis="price",
        amount=Decimal("2.10"),
        actor=acme_admin,
        company=companies[0],
    )

    refresh_due()

    assert ReconciliationDue.objects.count() == 0
    assert kept() == brute_force(companies, acme)


def test_a_version_taking_effect_marks_the_customer_due(northwind, acme_admin, catalog):
    refresh_due()
    usage_reported(northwind, catalog["S1"], DAY, 700)
    refresh_due()
    row = Reconciliation.objects.get(company=northwind, product=catalog["S1"])
    assert (row.licensed, row.used, row.above, row.below) == (682, 700, 18, 0)
    assert row.at_stake == Decimal("18") * Decimal("2.95")

    AgreementLine.objects.filter(agreement__company=northwind).update(quantity=700)
    from portal.companies.monthly import figures_refresh

    figures_refresh([northwind.pk])
    assert ReconciliationDue.objects.filter(company=northwind).exists()
    refresh_due()

    row.refresh_from_db()
    assert (row.licensed, row.above, row.at_stake) == (700, 0, 0)


def test_drift_is_told_when_it_appears_or_grows_not_again(northwind, catalog, monkeypatch):
    told = []
    monkeypatch.setitem(
        events._subscribers,
        events.USAGE_DRIFT,
        [lambda event: told.extend(data["drift"] for _, data in event.items)],
    )
    usage_reported(northwind, catalog["S1"], DAY, 690)
    refresh_due()
    usage_reported(northwind, catalog["S1"], DAY + datetime.timedelta(days=1), 689)
    refresh_due()
    usage_reported(northwind, catalog["S1"], DAY + datetime.timedelta(days=2), 700)
    refresh_due()
    usage_reported(northwind, catalog["S1"], DAY + datetime.timedelta(days=3), 600)
    refresh_due()

    assert told == [8, 18, -82]


def test_a_repeated_refresh_changes_nothing(northwind, catalog):
    usage_reported(northwind, catalog["S1"], DAY, 690)
    refresh_due()
    before = kept()
    mark_due([northwind.pk])

    assert refresh_due() == 1
    assert kept() == before
    assert Reconciliation.objects.count() == 1


def test_the_same_billed_seats_again_is_no_new_entry(northwind, acme_admin, catalog):
    entry = Billed(northwind, catalog["S1"], 650)

    assert billed_seats_set([entry], actor=acme_admin, source="api") == 1
    assert billed_seats_set([entry], actor=acme_admin, source="api") == 0
    assert BilledSeats.objects.count() == 1
    assert Reconciliation.objects.get(company=northwind, product=catalog["S1"]).billed == 650
