"""Your prices and margin on the customer page: each product of the version in effect (or, before
the first sync, as ordered) at the contracted cost and at the MSP's price, with the margin, and
the totals; an Admin may give this customer its own price of a product. The MSP's own: the
vendor's console never shows it.
"""

from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from portal.companies.agreements import agreement_lines
from portal.companies.models import Agreement
from portal.pricebook.forms import SellingPriceForm
from portal.pricebook.models import SellingPrice
from portal.pricebook.selectors import (
    MarginRow,
    customer_prices,
    rules_of,
    sold_lines,
    sold_totals,
)
from portal.pricing.selling import SoldLine


@dataclass(frozen=True)
class PriceRow:
    sold: SoldLine
    product_id: int
    price: SellingPrice | None
    own: bool  # this customer's own price, not the price book's
    form: SellingPriceForm | None  # for Admins


def prefix_of(product_id: int) -> str:
    return f"c{product_id}"


def shown_version(agreements: list[Agreement]) -> Agreement | None:
    """The version in effect; before the first sync, the order as ordered."""
    for status in (Agreement.Status.ACTIVE, Agreement.Status.NEW_ORDER_PENDING):
        if found := next((a for a in agreements if a.status == status), None):
            return found
    return None


def your_prices_section(request, company, agreements, invalid=None) -> dict | None:
    """The section's context (None: nothing to price). ``invalid``: (product id, bound form)
    of a refused post, shown in place of that product's form."""
    agreement = shown_version(agreements)
    if agreement is None:
        return None
    user = request.user
    prices = customer_prices(company.partner, company)
    prefetch_related_objects([agreement], "lines")  # one read for both uses below
    rows_of_version = list(agreement.lines.all())
    sold = sold_lines(agreement_lines(agreement), rules_of(prices))
    rows = []
    for line, row in zip(rows_of_version, sold, strict=True):
        price = prices.get(line.code)
        form = None
        if user.is_msp_admin:
            if invalid and invalid[0] == line.product_id:
                form = invalid[1]
            else:
                own = price if price is not None and price.company_id == company.pk else None
                form = SellingPriceForm.for_price(own, prefix_of(line.product_id))
        rows.append(
            PriceRow(
                sold=row,
                product_id=line.product_id,
                price=price,
                own=price is not None and price.company_id == company.pk,
                form=form,
            )
        )
    totals = sold_totals(sold, agreement.currency)
    total_rows = []
    if totals is not None:
        cost, yours = totals
        for label, name in (
            ("Total Monthly Fees", "monthly"),
            ("Total Annual Fees", "annual"),
            ("Total One Time (Up Front) Fees", "one_time"),
        ):
            if getattr(cost, name).amount or getattr(yours, name).amount:
                total_rows.append(MarginRow(label, getattr(cost, name), getattr(yours, name)))
    return {
        "agreement": agreement,
        "rows": rows,
        "totals": total_rows,
        "complete": totals is not None,
        "any_price": any(row.price is not None for row in rows),
    }
