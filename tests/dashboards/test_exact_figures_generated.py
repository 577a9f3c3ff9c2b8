"""Every recurring-fee figure of the MSP dashboard (at cost, at the MSP's prices, lines
without a price, movements), month by month, equals the lines of the versions in effect
summed one by one, on generated histories: versions one after another with gaps, customers
lost and back, versions scheduled ahead, and pending, cancelled and rejected ones that never
count."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.companies.models import Agreement, AgreementLine
from portal.companies.monthly import figures_refresh
from portal.dashboards.msp import MspDashboard
from portal.pricebook.models import SellingPrice
from tests.dashboards.reconcile import expected_movements, fees_on, sold_on
from tests.fixtures.factories import make_company, make_partner, make_product

TODAY = datetime.date(2026, 12, 1) + datetime.timedelta(days=13)
START = datetime.date(2025, 10, 1)
PRODUCTS = [("S1", "monthly", "per_seat"), ("C1", "monthly", "per_seat"),
            ("OB", "monthly", "flat"), ("A3", "annual", "per_seat")]  # fmt: skip

line = st.tuples(
    st.sampled_from(range(len(PRODUCTS))),
    st.integers(1, 900),
    st.decimals(Decimal("0.10"), Decimal("9.99"), places=2),
)
version = st.tuples(
    st.integers(0, 120),  # days after the version before (0: on the same day)
    st.lists(line, min_size=1, max_size=3, unique_by=lambda item: item[0]),
    st.sampled_from(["kept", "kept", "gap", "cancelled", "pending"]),
)
customer = st.tuples(
    st.integers(0, 400),  # its first version's day, from START
    st.lists(version, min_size=1, max_size=5),
    st.booleans(),  # its last version ends (the customer is lost)
)
rule = st.one_of(
    st.none(),
    st.tuples(st.just("markup"), st.decimals(0, 80, places=1)),
    st.tuples(st.just("price"), st.decimals(Decimal("0.50"), Decimal("12"), places=2)),
)


def build(partner, products, number: int, first: int, versions, ends: bool) -> None:
    company = make_company(partner, name=f"Customer {number}", status="complete")
    day = START + datetime.timedelta(days=first)
    made, pending = [], False
    for n, (after, lines, kind) in enumerate(versions, 1):
        day += datetime.timedelta(days=after)
        # One pending version at most (the database holds it); the others were rejected.
        status = {"cancelled": "cancelled", "pending": "rejected" if pending else "upsell_pending"}
        status = status.get(kind, "superseded")
        pending = pending or status == "upsell_pending"
        # Versions in time are made Cancelled first and given their status once their dates
        # are final (PostgreSQL's exclusion constraint checks every row as it is written).
        agreement = Agreement.objects.create(
            company=company, version=n, total_users=1, currency="USD", effective_from=day,
            status="cancelled" if status == "superseded" else status,
        )  # fmt: skip
        AgreementLine.objects.bulk_create(
            AgreementLine(
                agreement=agreement,
                product=products[index],
                code=PRODUCTS[index][0],
                name=PRODUCTS[index][0],
                term=PRODUCTS[index][1],
                charge=PRODUCTS[index][2],
                quantity=1 if PRODUCTS[index][2] == "flat" else quantity,
                unit_price=price,
                payment=(price * (1 if PRODUCTS[index][2] == "flat" else quantity)).quantize(
                    Decimal("0.01")
                ),
            )  # fmt: skip
            for index, quantity, price in lines
        )
        if status == "superseded":
            made.append((agreement, kind))
    # Versions in time: each ends where the next starts (or earlier, with a gap: lost and
    # won back); the last in effect, ended, or scheduled when it starts after today.
    for (agreement, kind), following in zip(made, made[1:], strict=False):
        until = following[0].effective_from
        if kind == "gap" and until > agreement.effective_from:
            until = agreement.effective_from + (until - agreement.effective_from) / 2
        agreement.effective_until = until
        agreement.status = "superseded"
        agreement.save()
    if made:
        last = made[-1][0]
        if last.effective_from > TODAY:
            if len(made) > 1 and made[-2][0].effective_until:
                previous = made[-2][0]
                previous.status = "active"
                previous.save()
            last.status = "scheduled"
        elif ends:
            last.status = "ended"
            last.effective_until = last.effective_from + datetime.timedelta(days=40)
        else:
            last.status = "active"
        last.save()
    # Written by hand: counted in the partner's months as the services count theirs.
    figures_refresh([company.pk])


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    customers=st.lists(customer, min_size=1, max_size=5),
    book=st.lists(rule, min_size=len(PRODUCTS), max_size=len(PRODUCTS)),
    own=rule,
)
def test_every_figure_is_the_lines_in_effect_summed(customers, book, own):
    with transaction.atomic():
        partner = make_partner("Generated MSP")
        products = [make_product(code, term=term, charge=charge) for code, term, charge in PRODUCTS]
        for number, (first, versions, ends) in enumerate(customers):
            build(partner, products, number, first, versions, ends)
        for product, chosen in zip(products, book, strict=True):
            if chosen:
                SellingPrice.objects.create(
                    partner=partner, product=product, basis=chosen[0], amount=chosen[1]
                )
        if own:
            SellingPrice.objects.create(
                partner=partner, product=products[0], basis=own[0], amount=own[1],
                company=partner.companies.order_by("pk").first(),
            )  # fmt: skip

        dashboard = MspDashboard(partner, TODAY)
        days = dashboard.window.days
        recurring = dashboard.chart("recurring").rows
        for day, row in zip(dashboard.window.shown, recurring, strict=True):
            sold, unpriced = sold_on(partner, day)
            assert row[1] == sum(fees_on(partner, day).values()), day
            assert (row[4], row[6]) == (sold, unpriced), day
        for n, row in enumerate(dashboard.chart("movements").rows, 1):
            moves = expected_movements(fees_on(partner, days[n - 1]), fees_on(partner, days[n]))
            assert row[1:5] == [moves[k] for k in ("new", "expansion", "contraction", "lost")]
        transaction.set_rollback(True)
