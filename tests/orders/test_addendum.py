import datetime
import io
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader

from portal.catalog.selectors import price_table_for
from portal.companies.agreements import agreement_lines, agreement_totals
from portal.companies.models import Agreement
from portal.companies.services import agreement_create
from portal.orders.addendum import (
    NotSubmitted,
    addendum_filename,
    addendum_pdf,
    local_files_only,
)
from portal.orders.models import Order, Question
from portal.pricing import Money, price_order
from tests.fixtures.factories import make_company

SUBMITTED_AT = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)
# Northwind's order at Acme's demo prices (the `catalog` fixture in conftest.py): 682 seats of
# S1 fall in its 500+ tier (2.95), with a per-seat annual add-on and a flat one-time fee.
QUANTITIES = {"S1": 682, "A3": 682, "OB1": 1}


def submitted_order(company, user, **fields) -> Order:
    quote = price_order(price_table_for(partner=company.partner), QUANTITIES)
    agreement = agreement_create(
        company=company,
        lines=list(quote.lines),
        status=Agreement.Status.NEW_ORDER_PENDING,
        total_users=682,
        currency="USD",
        actor=user,
    )
    fields = {
        "order_number": "PO-2026-0042",
        "infrastructure": {
            Question.MAIL_SERVER: "Exchange Online",
            Question.CITRIX: "No",
            Question.SERVER_OS: "Windows Server 2022",
        },
        "msa_version": "2024-03",
        **fields,
    }
    return Order.objects.create(
        company=company,
        status=Order.Status.SUBMITTED,
        idempotency_key=uuid.uuid4(),
        agreement=agreement,
        submitted_by=user,
        submitted_at=SUBMITTED_AT,
        submitted_from_ip="203.0.113.7",
        saved_by=user,
        **fields,
    )


@pytest.fixture
def northwind(acme, catalog):
    return make_company(acme, "Northwind Traders", domain="northwindtraders.example")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with runs of white space made single, so checks do not hang on layout."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_agreement_totals_are_the_totals_the_order_was_priced_at(acme, acme_admin, northwind):
    quote = price_order(price_table_for(partner=acme), QUANTITIES)
    order = submitted_order(northwind, acme_admin)

    assert agreement_lines(order.agreement) == list(quote.lines)
    assert agreement_totals(order.agreement) == quote.totals
    assert agreement_totals(order.agreement).initial == Money(Decimal("9331.90"), "USD")


def test_the_addendum_states_lines_and_the_four_totals(acme_admin, northwind):
    order = submitted_order(northwind, acme_admin)

    pdf = addendum_pdf(order)

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Order Addendum" in text
    assert "Acme IT Services" in text
    assert "Northwind Traders" in text and "northwindtraders.example" in text
    assert "Version 1 – New Order Pending" in text
    assert "Permitted Users 682" in text
    assert "S1 – Email Security Cloud Gateway Monthly 682 USD 2.95 USD 2,011.90" in text
    assert "A3 – Archive 10-Year Annual 682 USD 10.00 USD 6,820.00" in text
    assert "OB1 – Onboarding One Time 1 USD 500.00 USD 500.00" in text
    assert "Total Monthly Fees USD 2,011.90" in text
    assert "Total Annual Fees USD 6,820.00" in text
    assert "Total One Time (Up Front) Fees USD 500.00" in text
    assert "Total Initial Fees USD 9,331.90" in text


def test_the_addendum_states_the_answers_the_order_number_and_who_accepted(acme_admin, northwind):
    acme_admin.full_name = "Alice Admin"
    acme_admin.save()
    order = submitted_order(northwind, acme_admin)

    text = pdf_text(addendum_pdf(order))

    assert "Mail Server Exchange Online" in text
    assert "Citrix / Terminal Server No" in text
    assert "Server OS Windows Server 2022" in text
    assert "Archive Solution Not Known" in text
    assert "Security On-Premise Not Known" in text
    assert "Order Number PO-2026-0042" in text
    assert (
        "This order is governed by the Managed Service Providers Agreement already in effect "
        "with the vendor (MSA version 2024-03)." in text
    )
    assert "I am authorised to place this order on behalf of Acme IT Services." in text
    assert (
        "Accepted by Alice Admin (admin@acme.test) on 14 March 2026, 09:30 UTC from 203.0.113.7"
        in text
    )


def test_the_acceptance_time_is_shown_in_the_portal_time_zone(settings, acme_admin, northwind):
    settings.TIME_ZONE = "Europe/Amsterdam"
    order = submitted_order(northwind, acme_admin)

    text = pdf_text(addendum_pdf(order))

    assert "on 14 March 2026, 10:30 CET from 203.0.113.7" in text


def test_an_order_without_an_order_number_says_it_is_not_required(acme_admin, northwind):
    order = submitted_order(
        northwind, acme_admin, order_number="", order_number_not_required=True, msa_version=""
    )

    text = pdf_text(addendum_pdf(order))

    assert "Order Number Order Number Not Required" in text
    assert "already in effect with the vendor. I am authorised" in text


def test_a_draft_order_has_no_addendum(acme_admin, northwind):
    draft = Order.objects.create(company=northwind, saved_by=acme_admin)

    with pytest.raises(NotSubmitted):
        addendum_pdf(draft)


def test_markup_in_a_company_name_is_printed_as_text(acme_admin, northwind):
    northwind.name = 'Northwind <img src="http://192.0.2.1/x.png"> Traders'
    northwind.save()
    order = submitted_order(northwind, acme_admin)

    text = pdf_text(addendum_pdf(order))

    assert '<img src="http://192.0.2.1/x.png">' in text


def test_the_fetcher_reads_local_files_and_refuses_every_other_url(tmp_path):
    fetcher = local_files_only()
    local = tmp_path / "style.css"
    local.write_text("h1 { color: red }")

    response = fetcher.fetch(local.as_uri())
    try:
        assert response.read() == b"h1 { color: red }"
    finally:
        response.close()
    for url in ("http://192.0.2.1/x.png", "https://fonts.example/a.woff2", "ftp://192.0.2.1/x"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


def test_the_file_name_names_the_company_and_version(acme_admin, northwind):
    northwind.name = 'Northwind / Traders: "Retail"  Ltd.'
    northwind.save()
    order = submitted_order(northwind, acme_admin)

    assert addendum_filename(order) == "Order addendum - Northwind Traders Retail Ltd - v1.pdf"
