from portal.catalog.models import Product
from portal.catalog.selectors import products_enabled_for
from portal.companies.agreements import agreement_lines
from portal.companies.models import Agreement, Company
from portal.pricing import Line, Money, Totals

from .models import ChangeOrder
from .proposal import Current


def active_agreement(company: Company) -> Agreement | None:
    return (
        company.agreements.filter(status=Agreement.Status.ACTIVE)
        .prefetch_related("lines")
        .order_by("-version")
        .first()
    )


def current_of(agreement: Agreement) -> Current:
    lines = agreement_lines(agreement)
    products = Product.objects.prefetch_related("addable_to", "upgrades").in_bulk(
        [line.code for line in lines], field_name="code"
    )
    return Current(lines=lines, products=products, seats=agreement.total_users)


def products_for_change(partner) -> list[Product]:
    """The products the MSP's agreement enables, with what the rules need, in one go."""
    return list(products_enabled_for(partner=partner).prefetch_related("addable_to", "upgrades"))


def saved_quotes(company: Company):
    return company.change_orders.filter(status=ChangeOrder.Status.QUOTE).select_related(
        "created_by", "prior"
    )


def change_totals(change: ChangeOrder) -> dict[str, Totals]:
    """The totals before and after the change, from the prices stored on its lines."""
    currency = change.currency
    sides = {"prior": [], "new": []}
    for row in change.lines.all():
        for side, quantity, unit, payment in (
            ("prior", row.prior_quantity, row.prior_unit_price, row.prior_payment),
            ("new", row.quantity, row.unit_price, row.payment),
        ):
            if quantity:
                sides[side].append(
                    Line(
                        row.code,
                        row.name,
                        row.term,
                        row.charge,
                        quantity,
                        Money(unit, currency),
                        Money(payment, currency),
                    )
                )
    return {side: Totals.of(lines, currency) for side, lines in sides.items()}
