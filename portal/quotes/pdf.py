"""The customer quote as a PDF: the MSP's name, address and logo, the customer, the products at
the MSP's prices, the totals, the validity and the link to accept it. Rendered like the
addendum (WeasyPrint, local files only, the logo inline), never with the contracted prices."""

import base64

from portal.orders.addendum import addendum_render

from .links import quote_url
from .make import as_lines, quote_totals
from .models import CustomerQuote, QuoteBranding

TEMPLATE = "quotes/quote_pdf.html"


def quote_context(quote: CustomerQuote) -> dict:
    branding = QuoteBranding.objects.filter(partner=quote.partner).first()
    logo = ""
    if branding is not None and branding.logo:
        logo = "data:image/png;base64," + base64.b64encode(bytes(branding.logo)).decode()
    return {
        "quote": quote,
        "company": quote.company,
        "partner": quote.partner,
        "branding": branding,
        "logo": logo,
        "lines": as_lines(quote.lines, quote.currency),
        "totals": quote_totals(quote.lines, quote.currency),
        "currency": quote.currency,
        "link": quote_url(quote),
    }


def quote_pdf(quote: CustomerQuote) -> bytes:
    return addendum_render(TEMPLATE, quote_context(quote))


def quote_file_name(quote: CustomerQuote) -> str:
    return f"Quote {quote.number}.pdf"
