"""Reads of change orders: ``change_order_for(user, pk)`` is one of the user's MSP (another
MSP's is a 404); ``<noun>_of(...)`` reads what the caller already holds."""

import datetime

from django.utils import timezone

from portal.catalog.models import Product
from portal.catalog.selectors import products_enabled_for
from portal.companies.agreements import agreement_lines
from portal.companies.models import Agreement, Company
from portal.companies.terms import LineTerm, current_term
from portal.core.tenancy import get_for_partner_or_404
from portal.pricing import Line, Money, Totals

from .models import ChangeOrder
from .proposal import Current


def change_order_for(user, pk: int) -> ChangeOrder:
    """A change order (a saved quote, or one submitted) of a customer of the user's partner,
    with its customer and partner, its primary product and the version it made."""
    return get_for_partner_or_404(
        ChangeOrder.objects.select_related("company__partner", "primary", "agreement"),
        user,
        partner_path="company__partner",
        pk=pk,
    )


def current_of(agreement: Agreement, today: datetime.date | None = None) -> Current:
    today = today or timezone.localdate()
    lines = agreement_lines(agreement)
    products = Product.objects.prefetch_related("addable_to", "upgrades").in_bulk(
        [line.code for line in lines], field_name="code"
    )
    terms = {}
    for row in agreement.lines.all():
        if not row.commitment:
            continue
        start, end = row.term_start, row.term_end
        if start and end and row.auto_renew:
            start, end = current_term(start, end, row.commitment, today)
        terms[row.code] = LineTerm(row.commitment, row.auto_renew, start, end)
    return Current(
        lines=lines,
        products=products,
        seats=agreement.total_users,
        terms=terms,
        next_billing_date=agreement.company.next_billing_date,
        today=today,
    )


def change_submitted_with(company: Company, key) -> bool:
    """Whether this customer's change order was submitted by the form of this key already."""
    return company.change_orders.filter(
        idempotency_key=key, status=ChangeOrder.Status.SUBMITTED
    ).exists()


def change_products_for(partner) -> list[Product]:
    """The products the MSP's agreement enables, with what the rules need, in one go."""
    return list(products_enabled_for(partner=partner).prefetch_related("addable_to", "upgrades"))


def saved_quotes_of(company: Company):
    return company.change_orders.filter(status=ChangeOrder.Status.QUOTE).select_related(
        "created_by", "prior"
    )


def change_totals_of(change: ChangeOrder) -> dict[str, Totals]:
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
