"""Reads of orders, of a company the caller has already found for its user."""

from portal.companies.models import Company

from .models import Order


def order_of(company: Company) -> Order | None:
    """The company's order: its draft while a prospect, then the one submitted; for a former
    customer reopened, its newest (the draft of the new order, or the new order submitted)."""
    return Order.objects.filter(company=company).order_by("-id").first()


def draft_of(company: Company) -> Order | None:
    """The order being written for the company (saved, not submitted), if any."""
    return Order.objects.filter(company=company, status=Order.Status.DRAFT).first()
