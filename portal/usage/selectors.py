"""Reads of billed seats, of a customer already found (``companies.selectors.customer_for``)."""

from django.db.models import QuerySet

from .models import BilledSeats


def billed_seats_of(company) -> QuerySet[BilledSeats]:
    """Every billed-seats entry of the customer, newest first: the first of each product is
    what it is billed now, the rest its history."""
    return (
        BilledSeats.objects.filter(company=company)
        .select_related("product", "entered_by")
        .order_by("-entered_at", "-id")
    )
