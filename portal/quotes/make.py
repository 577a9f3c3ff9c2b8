"""A customer quote's lines: the saved change quote's products after the change, at the MSP's
prices for this customer (its own, else the price book's) — every one of them priced, or none.
The same function answers whether the prices have moved since a quote was made."""

from decimal import Decimal

from portal.catalog.selectors import price_table_for, products_enabled_for
from portal.changes.models import ChangeOrder
from portal.orders.quote import prospect_quote
from portal.pricebook.selectors import customer_prices, rules_of, sold_lines
from portal.pricing import Line, Money, NoPrice, Totals, price_line


class NotQuotable(ValueError):
    """The quote cannot be made (a product without a selling price); the message says which."""


def change_lines(change: ChangeOrder) -> list[dict]:
    """The customer quote of a saved change quote: each product after the change, with its
    quantity, at today's prices (contracted and the MSP's)."""
    company = change.company
    table = price_table_for(company.partner)
    contracted = []
    for line in (line for line in change.lines.all() if line.quantity):
        try:
            contracted.append(price_line(table, line.code, line.quantity))
        except NoPrice:
            # Not sold any more at a contracted price: keep the price it was quoted at.
            contracted.append(
                Line.of(
                    line.code,
                    line.name,
                    line.term,
                    line.charge,
                    line.quantity,
                    Money(line.unit_price, change.currency),
                )
            )
    return _sold_rows(company, contracted)


def order_lines(company) -> list[dict]:
    """The customer quote of a prospect's order: its products and seats as saved, priced."""
    quote = prospect_quote(company, list(products_enabled_for(company.partner)))
    if quote is None:
        raise NotQuotable(
            "Give the prospect its products, their seats and its Permitted Users, each at a "
            "contracted price, before making a quote for the customer."
        )
    return _sold_rows(company, list(quote.lines))


def _sold_rows(company, contracted: list[Line]) -> list[dict]:
    rules = rules_of(customer_prices(company.partner, company))
    if missing := [line.code for line in contracted if line.code not in rules]:
        raise NotQuotable(
            f"Set your price of {', '.join(missing)} in the Price Book (or for this customer) "
            "before making a quote for the customer."
        )
    return [
        {
            "code": row.line.code,
            "name": row.line.name,
            "term": str(row.line.term),
            "charge": str(row.line.charge),
            "quantity": row.line.quantity,
            "cost": str(row.line.unit_price.amount),
            "unit_price": str(row.sold.unit_price.amount),
            "payment": str(row.sold.payment.amount),
        }
        for row in sold_lines(contracted, rules)
    ]


def lines_now(quote) -> list[dict]:
    """The quote's products worked out again at today's prices."""
    if quote.is_order:
        return order_lines(quote.company)
    if quote.change is None:
        raise NotQuotable("The change quote it was made from has been deleted.")
    return change_lines(quote.change)


def as_lines(rows: list[dict], currency: str) -> list[Line]:
    return [
        Line(
            row["code"],
            row["name"],
            row["term"],
            row["charge"],
            row["quantity"],
            Money(Decimal(row["unit_price"]), currency),
            Money(Decimal(row["payment"]), currency),
        )
        for row in rows
    ]


def quote_totals(rows: list[dict], currency: str) -> Totals:
    return Totals.of(as_lines(rows, currency), currency)


def prices_moved(quote) -> str:
    """Why the quote's prices are no longer today's ("" when they still are)."""
    try:
        now = lines_now(quote)
    except NotQuotable as error:
        return str(error)
    was = {(row["code"], row["quantity"]): row["unit_price"] for row in quote.lines}
    moved = [
        row["code"]
        for row in now
        if was.get((row["code"], row["quantity"])) is None
        or Decimal(was[(row["code"], row["quantity"])]) != Decimal(row["unit_price"])
    ]
    if moved or len(now) != len(quote.lines):
        which = ", ".join(moved) or "its products"
        return f"The prices of {which} have changed since this quote was made."
    return ""
