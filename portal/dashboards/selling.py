"""The recurring fees at the MSP's own prices (its price book, and a customer's own price
where it has one), month by month, beside the contracted cost.

Lines at the same product, quantity and contracted price sell at the same price, so the
database counts them per month and each kind is priced once here: the page costs the same for
ten customers or ten thousand. A line whose product has no selling price is counted, never
priced at a guess: a month with such lines has no figure at the MSP's prices (a total of some
lines only would understate the margin), and the page says how many lines are missing one.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from portal.pricebook.models import SellingPrice
from portal.pricing import Money
from portal.pricing.selling import SellingRule

from .fees import ZERO, in_effect_on


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


def sold_payment(rule: SellingRule, unit_price: Decimal, quantity: int, currency: str) -> Decimal:
    """A line's payment at the MSP's price: its unit price per the rule, times the quantity,
    rounded once (as ``portal.pricing.selling.sold`` does)."""
    return (rule.unit_price(Money(unit_price, currency)) * quantity).rounded().amount


def sold_months(
    lines, days: Sequence[datetime.date], partner, cost: Sequence[Decimal]
) -> list[SoldMonth]:
    """The fees at the MSP's prices on each of ``days``; ``lines``: the partner's
    ``lines_in_time``, ``cost``: the same days' fees at contracted prices."""
    book, own = rules_for(partner)
    counts = {f"d{n}": Count("id", filter=in_effect_on(day)) for n, day in enumerate(days)}
    kinds = ["code", "quantity", "unit_price"]
    # Customers with prices of their own are counted apart, by customer.
    shared = lines.exclude(agreement__company_id__in=list(own)).values(*kinds)
    sold = [ZERO] * len(days)
    unpriced = [0] * len(days)
    groups = [(row, book) for row in shared.annotate(**counts).order_by()]
    if own:
        apart = lines.filter(agreement__company_id__in=list(own)).values(
            "agreement__company_id", *kinds
        )
        groups += [
            (row, {**book, **own[row["agreement__company_id"]]})
            for row in apart.annotate(**counts).order_by()
        ]
    for row, rules in groups:
        rule = rules.get(row["code"])
        payment = (
            sold_payment(rule, row["unit_price"], row["quantity"], partner.currency)
            if rule
            else None
        )
        for n in range(len(days)):
            count = row[f"d{n}"]
            if payment is None:
                unpriced[n] += count
            else:
                sold[n] += payment * count
    return [
        SoldMonth(cost[n], None if unpriced[n] else sold[n], unpriced[n]) for n in range(len(days))
    ]
