"""Sums the agreement lines again, the slow and obvious way (one version at a time, in
Python), for the tests of exact figures to compare every dashboard figure with."""

import datetime
from collections import defaultdict
from decimal import Decimal

from portal.companies.models import Agreement

IN_TIME = {"active", "scheduled", "superseded", "ended"}


def in_effect(agreement: Agreement, day: datetime.date) -> bool:
    return agreement.status in IN_TIME and (
        agreement.effective_from <= day
        and (agreement.effective_until is None or day < agreement.effective_until)
    )


def fees_on(partner, day: datetime.date) -> dict[int, Decimal]:
    """Each customer's Total Monthly Fees of its version in effect on ``day``."""
    found: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    versions = Agreement.objects.filter(company__partner=partner).prefetch_related("lines")
    seen: dict[int, int] = defaultdict(int)
    for agreement in versions:
        if not in_effect(agreement, day):
            continue
        seen[agreement.company_id] += 1
        for line in agreement.lines.all():
            if line.term == "monthly":
                found[agreement.company_id] += line.payment
    # At any date exactly one version of a customer is in effect.
    assert all(count == 1 for count in seen.values()), seen
    return dict(found)


def expected_movements(before: dict, after: dict) -> dict[str, Decimal]:
    moves = dict.fromkeys(["new", "expansion", "contraction", "lost"], Decimal("0.00"))
    for company in set(before) | set(after):
        was, now = before.get(company, Decimal(0)), after.get(company, Decimal(0))
        if was == now:
            continue
        if not was:
            moves["new"] += now
        elif not now:
            moves["lost"] -= was
        elif now > was:
            moves["expansion"] += now - was
        else:
            moves["contraction"] += now - was
    return moves


def sold_on(partner, day: datetime.date) -> tuple[Decimal | None, int]:
    """The monthly fees at the MSP's prices of the versions in effect on ``day`` (None when a
    line has no selling price), and how many lines have none: line by line, through the price
    book's own selectors and the pure selling engine."""
    from portal.pricebook.selectors import customer_prices, rules_of
    from portal.pricing import Money
    from portal.pricing.lines import Line
    from portal.pricing.selling import sold
    from portal.pricing.table import Charge, Term

    total, unpriced = Decimal("0.00"), 0
    versions = Agreement.objects.filter(company__partner=partner).select_related("company")
    for agreement in versions.prefetch_related("lines"):
        if not in_effect(agreement, day):
            continue
        rules = rules_of(customer_prices(partner, agreement.company))
        for row in agreement.lines.all():
            if row.term != "monthly":
                continue
            line = Line.of(
                row.code,
                row.name,
                Term(row.term),
                Charge(row.charge),
                row.quantity,
                Money(row.unit_price, partner.currency),
            )
            found = sold(line, rules.get(row.code)).sold
            if found is None:
                unpriced += 1
            else:
                total += found.payment.amount
    return (None if unpriced else total), unpriced
