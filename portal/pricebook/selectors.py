"""Reads of the MSP's price book, always for one partner."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from portal.companies.models import Agreement, AgreementLine
from portal.pricing import Line, Money, Term, Totals
from portal.pricing.selling import SellingRule, SoldLine, sold

from .models import SellingPrice


def book_for(partner) -> dict[int, SellingPrice]:
    """The price book's rows (not the customers' own prices), by product id."""
    rows = SellingPrice.objects.filter(partner=partner, company__isnull=True)
    return {row.product_id: row for row in rows.select_related("product")}


def customer_prices(partner, company) -> dict[str, SellingPrice]:
    """The selling price of each product for ``company``, by product code: its own where it
    has one, else the price book's (one query)."""
    rows = (
        SellingPrice.objects.filter(partner=partner, company__isnull=True)
        | SellingPrice.objects.filter(partner=partner, company=company)
    ).select_related("product")
    found: dict[str, SellingPrice] = {}
    for row in sorted(rows, key=lambda row: row.company_id is not None):
        found[row.product.code] = row  # the customer's own, read last, wins
    return found


def rules_of(prices: dict[str, SellingPrice]) -> dict[str, SellingRule]:
    return {code: price.rule for code, price in prices.items()}


def sold_lines(lines: list[Line], rules: dict[str, SellingRule]) -> list[SoldLine]:
    return [sold(line, rules.get(line.code)) for line in lines]


def sold_totals(rows: list[SoldLine], currency: str) -> tuple[Totals, Totals] | None:
    """The totals at cost and at the MSP's prices, when every line has a selling price (a
    total of some lines only would understate the margin)."""
    if not rows or any(row.sold is None for row in rows):
        return None
    return (
        Totals.of([row.line for row in rows], currency),
        Totals.of([row.sold for row in rows], currency),
    )


@dataclass(frozen=True)
class MarginRow:
    label: str
    cost: Money
    yours: Money

    @property
    def margin(self) -> Money:
        return self.yours - self.cost


@dataclass(frozen=True)
class QuoteMargin:
    """A change quote's monthly and annual fees now and after, at cost and at the MSP's prices;
    ``missing``: the products without a selling price (then no totals: they would mislead)."""

    rows: tuple[MarginRow, ...]
    missing: tuple[str, ...]


def quote_margin(
    prior: list[Line], proposed: list[Line], rules: dict[str, SellingRule], currency: str
) -> QuoteMargin:
    codes = dict.fromkeys(line.code for line in [*prior, *proposed])
    missing = tuple(code for code in codes if code not in rules)
    if missing:
        return QuoteMargin((), missing)
    rows = []
    for when, lines in (("Current", prior), ("New", proposed)):
        cost, yours = sold_totals(sold_lines(list(lines), rules), currency) or (
            Totals.zero(currency),
            Totals.zero(currency),
        )
        rows.append(MarginRow(f"{when} Monthly Fees", cost.monthly, yours.monthly))
        if cost.annual.amount or yours.annual.amount:
            rows.append(MarginRow(f"{when} Annual Fees", cost.annual, yours.annual))
    return QuoteMargin(tuple(rows), ())


def has_prices(partner) -> bool:
    return SellingPrice.objects.filter(partner=partner).exists()


def monthly_fees_sold(partner, company_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(monthly fees at cost, at the MSP's prices) of each customer's version in effect, for a
    list's page: two queries whatever the count. A customer with a monthly line not priced yet
    is left out (a partial figure would understate its margin)."""
    prices = SellingPrice.objects.filter(partner=partner).filter(
        Q(company__isnull=True) | Q(company_id__in=company_ids)
    )
    book: dict[str, SellingRule] = {}
    own: dict[tuple[int, str], SellingRule] = {}
    for price in prices.select_related("product"):
        if price.company_id is None:
            book[price.product.code] = price.rule
        else:
            own[(price.company_id, price.product.code)] = price.rule
    lines = AgreementLine.objects.filter(
        agreement__company_id__in=company_ids,
        agreement__status=Agreement.Status.ACTIVE,
        term=Term.MONTHLY.value,
    ).values_list(
        "agreement__company_id",
        "code",
        "charge",
        "quantity",
        "unit_price",
        "payment",
        "agreement__currency",
    )
    cost: dict[int, Decimal] = {}
    sold_fees: dict[int, Decimal] = {}
    unpriced: set[int] = set()
    for company_id, code, charge, quantity, unit_price, payment, currency in lines:
        rule = own.get((company_id, code)) or book.get(code)
        if rule is None:
            unpriced.add(company_id)
            continue
        line = Line.of(code, code, Term.MONTHLY, charge, quantity, Money(unit_price, currency))
        cost[company_id] = cost.get(company_id, Decimal("0.00")) + payment
        sold_fees[company_id] = (
            sold_fees.get(company_id, Decimal("0.00")) + sold(line, rule).sold.payment.amount
        )
    return {pk: (cost[pk], sold_fees[pk]) for pk in cost if pk not in unpriced}
