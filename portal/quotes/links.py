"""The signed link of a customer quote: opens it without logging in; a token made for anything
else never does (a salt of its own). It stops opening the quote for an answer once the quote's
validity has passed (``CustomerQuote.expired``); the answer, once given, stays readable."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import CustomerQuote

SALT = "portal.quotes.link"


def quote_token(quote: CustomerQuote) -> str:
    return signing.dumps({"q": quote.pk}, salt=SALT)


def quote_url(quote: CustomerQuote) -> str:
    return settings.SITE_URL + reverse("quotes:public", args=[quote_token(quote)])


def quote_for_token(token: str) -> CustomerQuote | None:
    """The quote the link opens (None: tampered with, cut short, or the quote is gone)."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("q"), int):
        return None
    return (
        CustomerQuote.objects.select_related("company", "partner", "change", "created_by")
        .filter(pk=payload["q"])
        .first()
    )
