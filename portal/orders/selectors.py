"""Reads of orders, of a company the caller has already found for its user."""

from portal.companies.models import Company

from .models import Order


def order_of(company: Company) -> Order | None:
    """The company's order: its draft while a prospect, then the one submitted."""
    return Order.objects.filter(company=company).first()
