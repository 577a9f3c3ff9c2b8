"""The change addendum: the seed upsell (Northwind 682 → 700) and downsell (Fabrikam S1 + C1
350 → 200) at Acme's prices, an upgrade that drops one product for another, and the parts it
shares with the order addendum."""

import datetime
import io

import pytest
from pypdf import PdfReader

from portal.changes.addendum import change_addendum_filename, change_addendum_pdf
from portal.changes.models import ChangeOrder
from portal.orders.addendum import NotSubmitted
from tests.fixtures.factories import make_company

from . import active_agreement, submitted_change

Kind = ChangeOrder.Kind


@pytest.fixture
def northwind(acme, acme_admin, catalog):
    company = make_company(acme, "Northwind Traders", domain="northwindtraders.example")
    company.prior = active_agreement(company, acme_admin, {"S1": 682}, 682)
    return company


@pytest.fixture
def fabrikam(acme, acme_admin, catalog):
    company = make_company(acme, "Fabrikam, Inc.", domain="fabrikam.example")
    company.prior = active_agreement(company, acme_admin, {"S1": 350, "C1": 350}, 350)
    return company


def upsell(company, user, **fields):
    return submitted_change(
        company, user, company.prior, {"S1": 700}, kind=Kind.UPSELL, seats=700, **fields
    )


def downsell(company, user, **fields):
    fields = {
        "effective_on": datetime.date(2026, 4, 1),
        "cancel_by": datetime.date(2026, 3, 18),
        **fields,
    }
    proposed = {"S1": 200, "C1": 200}
    return submitted_change(
        company, user, company.prior, proposed, kind=Kind.DOWNSELL, seats=200, **fields
    )


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with runs of white space made single, so checks do not hang on layout."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


SUMMARY_HEADER = (
    "Product Term Type Prior Quantity Current Quantity Prior Unit Price Current Unit Price "
    "Prior Payment Current Payment"
)


def test_the_upsell_addendum_compares_the_new_figures_with_the_previous(acme_admin, northwind):
    acme_admin.full_name = "Alice Admin"
    acme_admin.save()
    change = upsell(northwind, acme_admin)

    pdf = change_addendum_pdf(change)

    assert pdf.startswith(b"%PDF")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert text.startswith("Change Order Addendum Northwind Traders – Agreement version 2")
    assert "MSP Acme IT Services" in text
    assert "Company Name Northwind Traders" in text
    assert "Agreement Version 2 – Upsell Pending Order (replaces version 1)" in text
    assert "Total Users 700 (previously 682)" in text
    # 682 and 700 both fall in the 500–999 tier: same unit price, more seats.
    assert (
        f"{SUMMARY_HEADER} S1 – Email Security Cloud Gateway Monthly 682 700 USD 2.95 USD 2.95 "
        "USD 2,011.90 USD 2,065.00" in text
    )
    assert "Previous (v1) New (v2)" in text
    assert "Total Monthly Fees USD 2,011.90 USD 2,065.00" in text
    assert "Total Annual Fees USD 0.00 USD 0.00" in text
    assert "Total One Time (Up Front) Fees USD 0.00 USD 0.00" in text
    assert "Total Initial Fees USD 2,011.90 USD 2,065.00" in text
    assert (
        "Previous Products and License Counts (version 1, 682 total users) "
        "Product Term Type Quantity S1 – Email Security Cloud Gateway Monthly 682" in text
    )
    assert "Downsell Notice" not in text


def test_the_upsell_addendum_states_the_order_number_and_who_accepted(acme_admin, northwind):
    acme_admin.full_name = "Alice Admin"
    acme_admin.save()

    text = pdf_text(change_addendum_pdf(upsell(northwind, acme_admin)))

    assert "Order Number PO-7001" in text
    assert "Submitted 14 March 2026, 09:30 UTC" in text
    assert (
        "This order is governed by the Managed Service Providers Agreement already in effect "
        "with the vendor. I am authorised to place this order on behalf of Acme IT Services."
        in text
    )
    assert (
        "Accepted by Alice Admin (admin@acme.test) on 14 March 2026, 09:30 UTC from 203.0.113.7"
        in text
    )


def test_the_downsell_addendum_has_the_notice_and_both_products_at_200(acme_admin, fabrikam):
    pdf = change_addendum_pdf(downsell(fabrikam, acme_admin))

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    text = pdf_text(pdf)
    assert (
        "Downsell Notice This downsell takes effect on 1 April 2026, the next billing date. "
        "Until then the current agreement (version 1) stays in effect, and the downsell can be "
        "cancelled from the customer's page until 18 March 2026." in text
    )
    assert "Agreement Version 2 – Downsell Pending Order (replaces version 1)" in text
    assert "Total Users 200 (previously 350)" in text
    # Fewer seats drop both products into their smallest tier: unit prices go up.
    assert (
        f"{SUMMARY_HEADER} "
        "S1 – Email Security Cloud Gateway Monthly 350 200 USD 3.20 USD 3.50 USD 1,120.00 "
        "USD 700.00 "
        "C1 – Continuity Monthly 350 200 USD 1.10 USD 1.25 USD 385.00 USD 250.00" in text
    )
    assert "Total Monthly Fees USD 1,505.00 USD 950.00" in text
    assert "Total Initial Fees USD 1,505.00 USD 950.00" in text
    assert (
        "Previous Products and License Counts (version 1, 350 total users) "
        "Product Term Type Quantity "
        "S1 – Email Security Cloud Gateway Monthly 350 C1 – Continuity Monthly 350" in text
    )


def test_an_upgrade_shows_a_dash_for_what_a_product_did_not_have(acme, acme_admin, catalog):
    company = make_company(acme, "Contoso Pharmaceuticals")
    company.prior = active_agreement(company, acme_admin, {"S1": 682, "A3": 682}, 682)
    change = submitted_change(
        company,
        acme_admin,
        company.prior,
        {"S2": 700, "A3": 700},
        kind=Kind.UPGRADE,
        seats=700,
        order_number="",
        order_number_not_required=True,
    )

    text = pdf_text(change_addendum_pdf(change))

    assert "Agreement Version 2 – Upgrade Pending Order (replaces version 1)" in text
    assert (
        "S1 – Email Security Cloud Gateway Monthly 682 — USD 2.95 — USD 2,011.90 — "
        "A3 – Archive 10-Year Annual 682 700 USD 10.00 USD 10.00 USD 6,820.00 USD 7,000.00 "
        "S2 – Email Security Integrated Suite Monthly — 700 — USD 4.60 — USD 3,220.00" in text
    )
    assert "Total Monthly Fees USD 2,011.90 USD 3,220.00" in text
    assert "Total Annual Fees USD 6,820.00 USD 7,000.00" in text
    assert "Total Initial Fees USD 8,831.90 USD 10,220.00" in text
    assert "S1 – Email Security Cloud Gateway Monthly 682 A3 – Archive 10-Year Annual 682" in text
    assert "Order Number Order Number Not Required" in text
    assert "Downsell Notice" not in text


def test_markup_in_a_company_name_is_printed_as_text(acme_admin, northwind):
    northwind.name = 'Smith & Sons <img src="http://192.0.2.1/x.png">'
    northwind.save()

    text = pdf_text(change_addendum_pdf(upsell(northwind, acme_admin)))

    assert 'Company Name Smith & Sons <img src="http://192.0.2.1/x.png">' in text


def test_a_saved_quote_has_no_addendum(acme_admin, northwind):
    quote = ChangeOrder.objects.create(
        company=northwind, prior=northwind.prior, seats=700, kind=Kind.UPSELL, currency="USD"
    )

    with pytest.raises(NotSubmitted):
        change_addendum_pdf(quote)
    with pytest.raises(NotSubmitted):
        change_addendum_filename(quote)


def test_the_file_name_names_the_company_and_the_new_version(acme_admin, northwind):
    change = upsell(northwind, acme_admin)
    assert change_addendum_filename(change) == "Change addendum - Northwind Traders - v2.pdf"

    northwind.name = 'Northwind / Traders: "Retail"  Ltd.'
    northwind.save()
    assert (
        change_addendum_filename(change)
        == "Change addendum - Northwind Traders Retail Ltd - v2.pdf"
    )
