"""The order addendum: the PDF record of a submitted new-business order.

It is e-mailed to the submitting user and stored in the customer's Attachments, so it states
everything that was agreed — MSP, customer, lines, the four totals, the infrastructure answers,
the order number, and who accepted the two statements, when and from where.

The change addendum (``portal.changes.addendum``) extends this template and renders through
``addendum_render``, so both documents look alike and state the acceptance the same way.
"""

import re

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

from portal.catalog.models import Commitment
from portal.catalog.templatetags.catalog import term_label
from portal.companies.agreements import agreement_lines, agreement_totals

from .models import Order

TEMPLATE = "orders/addendum.html"
# Characters that are not allowed (or mean something) in a file name on some system.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class NotSubmitted(ValueError):
    """Only a submitted order or change has an addendum: a draft or quote has no agreement and
    no acceptance."""


def local_files_only() -> URLFetcher:
    # The template is self-contained (inline CSS, system fonts). Should anything in it ever
    # point elsewhere, rendering must not reach the network: only local files may be read.
    return URLFetcher(allowed_protocols=("file",))


def submission_context(submitted) -> dict:
    """What the base template's Order Details and Acknowledgements read, from a submitted
    ``Order`` or ``ChangeOrder`` (both carry the same submission fields)."""
    company = submitted.company
    return {
        "submitted": submitted,
        "company": company,
        "partner": company.partner,
        "agreement": submitted.agreement,
        "currency": submitted.agreement.currency,
        "accepted_by": submitted.submitted_by,
        # Only a new-business order records the MSA version it was accepted under.
        "msa_version": getattr(submitted, "msa_version", ""),
    }


def addendum_render(template: str, context: dict) -> bytes:
    """An addendum template as PDF bytes (A4), never fetching anything but local files."""
    html = render_to_string(template, context)
    document = HTML(
        string=html,
        base_url=str(settings.BASE_DIR / "templates"),
        url_fetcher=local_files_only(),
    )
    return document.write_pdf()


def addendum_file_name(label: str, company, version: int) -> str:
    """``<label> - <Company> - v<version>.pdf``, safe as a file name anywhere."""
    name = " ".join(_UNSAFE.sub(" ", company.name).split()).strip(" .")
    # Room is left for the storage folder (Attachment.file holds 300 characters).
    name = name[:100].rstrip(" .") or "Company"
    return f"{label} - {name} - v{version}.pdf"


def addendum_context(order: Order) -> dict:
    if order.status != Order.Status.SUBMITTED or order.agreement_id is None:
        raise NotSubmitted(f"{order} is not submitted; it has no addendum yet.")
    agreement = order.agreement
    answers = order.answers()
    return {
        **submission_context(order),
        "title": "Order Addendum",
        "order": order,
        "lines": [(line, term_label(line.term)) for line in agreement_lines(agreement)],
        # The subscription term of each line billed again and again (a one-time one has none).
        "line_terms": [
            (row, Commitment(row.commitment).label)
            for row in agreement.lines.all()
            if row.commitment
        ],
        "totals": agreement_totals(agreement),
        # Two answers to a row: ten questions in five rows keep the addendum on one page.
        "answer_rows": [answers[i : i + 2] for i in range(0, len(answers), 2)],
    }


def addendum_pdf(order: Order) -> bytes:
    """The addendum of a submitted order as PDF bytes (A4)."""
    return addendum_render(TEMPLATE, addendum_context(order))


def addendum_filename(order: Order) -> str:
    """``Order addendum - <Company> - v<version>.pdf``, safe as a file name anywhere."""
    # A new-business order makes version 1; a draft asked for its name gets that number too.
    version = order.agreement.version if order.agreement_id else 1
    return addendum_file_name("Order addendum", order.company, version)
