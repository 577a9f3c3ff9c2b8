"""The order addendum: the PDF record of a submitted new-business order.

It is e-mailed to the submitting user and stored in the customer's Attachments, so it states
everything that was agreed — MSP, customer, lines, the four totals, the infrastructure answers,
the order number, and who accepted the two statements, when and from where.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

from portal.catalog.templatetags.catalog import term_label
from portal.companies.agreements import agreement_lines, agreement_totals

from .models import Order

TEMPLATE = "orders/addendum.html"
# Characters that are not allowed (or mean something) in a file name on some system.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class NotSubmitted(ValueError):
    """Only a submitted order has an addendum: a draft has no agreement and no acceptance."""


def local_files_only() -> URLFetcher:
    # The template is self-contained (inline CSS, system fonts). Should anything in it ever
    # point elsewhere, rendering must not reach the network: only local files may be read.
    return URLFetcher(allowed_protocols=("file",))


def addendum_context(order: Order) -> dict:
    if order.status != Order.Status.SUBMITTED or order.agreement_id is None:
        raise NotSubmitted(f"{order} is not submitted; it has no addendum yet.")
    agreement = order.agreement
    company = order.company
    answers = order.answers()
    return {
        "order": order,
        "company": company,
        "partner": company.partner,
        "agreement": agreement,
        "currency": agreement.currency,
        "lines": [(line, term_label(line.term)) for line in agreement_lines(agreement)],
        "totals": agreement_totals(agreement),
        # Two answers to a row: ten questions in five rows keep the addendum on one page.
        "answer_rows": [answers[i : i + 2] for i in range(0, len(answers), 2)],
        "accepted_by": order.submitted_by,
    }


def addendum_pdf(order: Order) -> bytes:
    """The addendum of a submitted order as PDF bytes (A4)."""
    html = render_to_string(TEMPLATE, addendum_context(order))
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "templates"),
        url_fetcher=local_files_only(),
    )
    return document.write_pdf()


def addendum_filename(order: Order) -> str:
    """``Order addendum - <Company> - v<version>.pdf``, safe as a file name anywhere."""
    company = " ".join(_UNSAFE.sub(" ", order.company.name).split()).strip(" .")
    # Room is left for the storage folder (Attachment.file holds 300 characters).
    company = company[:100].rstrip(" .") or "Company"
    # A new-business order makes version 1; a draft asked for its name gets that number too.
    version = order.agreement.version if order.agreement_id else 1
    return f"Order addendum - {company} - v{version}.pdf"
