"""The recurring fees at the MSP's own prices (its price book, and a customer's own price
where it has one), month by month, beside the contracted cost.

The MSP's price applies per product and contracted unit price, and a line's price at it is
whole cents times its seats, so the partner's lines counted by code and unit price
(``fees.partner_lines``) price a month exactly: a few rows, whatever the customers' number. The
customers with prices of their own are taken out of those and priced apart, from their own
figures. A line whose product has no selling price is counted, never priced at a guess: a month
with such lines has no figure at the MSP's prices (a total of some lines only would understate
the margin), and the page says how many lines are missing one.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from portal.companies.models import CustomerDay
from portal.companies.monthly import line_key_parts
from portal.pricebook.models import SellingPrice
from portal.pricing import Money
from portal.pricing.selling import SellingRule

from .fees import ZERO, Lines


@dataclass(frozen=True)
class SoldMonth:
    cost: Decimal
    sold: Decimal | None  # None: some lines have no selling price
    unpriced: int  # lines in effect without a selling price

    @property
    def margin(self) -> Decimal | None:
        return None if self.sold is None else self.sold - self.cost


def rules_for(partner) -> tuple[dict[str, SellingRule], dict[int, dict[str, SellingRule]]]:
    """The price book's rules by product code, and each customer's own by its id (one query)."""
    book: dict[str, SellingRule] = {}
    own: dict[int, dict[str, SellingRule]] = {}
    for row in SellingPrice.objects.filter(partner=partner).select_related("product"):
        if row.company_id is None:
            book[row.product.code] = row.rule
        else:
            own.setdefault(row.company_id, {})[row.product.code] = row.rule
    return book, own


def sold_months(
    partner, days: Sequence[datetime.date], cost: Sequence[Decimal], lines_on: dict
) -> list[SoldMonth]:
    """The fees at the MSP's prices on each of ``days``; ``cost``: the same days' fees at
    contracted prices, ``lines_on``: the partner's lines on them (``fees.partner_lines``)."""
    book, own = rules_for(partner)
    prices: dict = {}
    # Pricing is linear in the lines (whole cents times seats), so a customer with prices of
    # its own is taken out of the partner's total at the book's prices and put back at its
    # own: each of its changes priced once, both ways.
    apart: dict[int, list] = {company: [] for company in own}
    keys: dict[str, tuple] = {}  # a stored key's parts, parsed once
    for company, day, stored in (
        CustomerDay.objects.filter(company_id__in=list(own), day__lte=max(days))
        .order_by("company_id", "day")
        .values_list("company_id", "day", "lines")
    ):
        theirs = own[company]
        # Only the lines of products it has its own price for are priced differently.
        lines = {}
        for key, value in stored.items():
            parts = keys.get(key) or keys.setdefault(key, line_key_parts(key))
            if parts[2] in theirs:
                lines[parts] = value
        at_book = _priced(lines, book, partner.currency, prices)
        at_own = _priced(lines, {**book, **theirs}, partner.currency, prices)
        apart[company].append((day, (at_own[0] - at_book[0], at_own[1] - at_book[1])))
    found = []
    for n, day in enumerate(days):
        sold, unpriced = _priced(lines_on[day], book, partner.currency, prices)
        for steps in apart.values():
            more, missing = _on(steps, day)
            sold, unpriced = sold + more, unpriced + missing
        found.append(SoldMonth(cost[n], None if unpriced else sold, unpriced))
    return found


def _on(steps: list[tuple[datetime.date, tuple]], day: datetime.date) -> tuple[Decimal, int]:
    """What a customer's own prices change on ``day``: those of its last change on or
    before it."""
    found = (ZERO, 0)
    for changed, difference in steps:
        if changed > day:
            break
        found = difference
    return found


def _priced(lines: Lines, rules: dict, currency: str, prices: dict) -> tuple[Decimal, int]:
    """The monthly-term lines at the MSP's prices, and how many have no price (``prices``:
    the selling unit prices worked out so far, by rule and contracted price)."""
    sold, unpriced = ZERO, 0
    for (term, _, code, unit_price), (quantity, count) in lines.items():
        if term != "monthly" or not count:
            continue
        rule = rules.get(code)
        if rule is None:
            unpriced += count
            continue
        if (rule, unit_price) not in prices:
            prices[(rule, unit_price)] = rule.unit_price(Money(unit_price, currency)).amount
        # Whole cents times seats: the lines' payments at that price (as
        # ``portal.pricing.selling.sold`` works each out) added up, exactly, nothing to round.
        sold += prices[(rule, unit_price)] * quantity
    return sold, unpriced
