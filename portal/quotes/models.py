"""Quotes for the end customer at the MSP's own prices: made from a saved change quote (or a
prospect's order), sent as
an MSP-branded PDF and a signed, expiring link the customer opens without logging in, where
they accept it (name, title, time and address recorded) or decline it with a comment.

The lines are kept as quoted (the MSP's prices that day), with the contracted lines they were
priced from, so the page can tell when the prices have moved since.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

VALID_DAYS = 30  # a quote is valid this many days unless the MSP says otherwise


class CustomerQuote(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Sent"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.CASCADE, related_name="customer_quotes"
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="customer_quotes"
    )
    # The saved change quote it was made from; none for a prospect's order (the prospect's
    # products and seats). Kept when that quote is deleted: the customer's answer is a record.
    change = models.ForeignKey(
        "changes.ChangeOrder",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_quotes",
    )
    was_change = models.BooleanField(default=False, editable=False)  # made from a change quote
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    currency = models.CharField(max_length=3)
    seats = models.PositiveIntegerField()
    # [{code, name, term, charge, quantity, unit_price, payment}] at the MSP's prices, and the
    # contracted unit price of each (``cost``) they were worked out from.
    lines = models.JSONField()
    valid_until = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The customer's answer.
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_name = models.CharField(max_length=200, blank=True)
    answered_title = models.CharField(max_length=200, blank=True)
    answered_ip = models.GenericIPAddressField(null=True, blank=True)
    answered_agent = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Quote {self.number} for {self.company}"

    @property
    def is_order(self) -> bool:
        """Made from a prospect's order (new business), not from a change quote."""
        return self.change_id is None and not self.was_change

    @property
    def number(self) -> str:
        return f"Q-{self.pk:05d}"

    def expired(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.valid_until


class QuoteBranding(models.Model):
    """What the MSP's quotes say of it: its name and address, and its logo (a PNG made anew from
    the upload, kept here so a quote renders without a file store)."""

    partner = models.OneToOneField(
        "accounts.Partner", on_delete=models.CASCADE, related_name="quote_branding"
    )
    name = models.CharField("Name on quotes", max_length=200)
    address = models.TextField("Address", max_length=500, blank=True)
    logo = models.BinaryField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Quote branding of {self.partner}"
