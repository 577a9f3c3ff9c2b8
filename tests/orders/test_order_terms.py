"""Terms on the order form: each product offers the terms the vendor allows for it, with its
default term and Auto-renew on; Submit Order gives the agreement's lines the terms chosen."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from portal.companies.models import Agreement
from portal.orders.addendum import addendum_pdf
from portal.orders.models import Order
from tests.orders.conftest import complete_order


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_each_product_offers_its_terms_with_the_default_and_auto_renew_on(
    client, acme_admin, prospect, order_url, catalog
):
    catalog["S1"].terms_offered = ["monthly", "1y", "3y"]
    catalog["S1"].save()
    client.force_login(acme_admin)

    html = client.get(order_url).content.decode()

    assert "<legend>Terms</legend>" in html
    assert options(html, "term_S1") == ["monthly", "1y", "3y"]
    assert selected(html, "term_S1") == "monthly"  # priced per month: the first term offered
    assert options(html, "term_A3") == ["monthly", "1y"]
    assert selected(html, "term_A3") == "1y"  # priced per year: a 1-year commitment
    assert ">1-year commitment</option>" in html and ">3-year commitment</option>" in html
    assert re.search(r'<input type="checkbox" name="auto_renew_S1"[^>]*checked', html)
    assert "term_OB1" not in html  # a one-time charge has no term


def test_submit_gives_the_agreement_line_the_term_and_auto_renew_chosen(submit, prospect, catalog):
    catalog["S1"].terms_offered = ["monthly", "1y", "3y"]
    catalog["S1"].save()

    submit(term_S1="3y", auto_renew_S1=None, product_A3="on", term_A3="1y", auto_renew_A3="on")

    agreement = Agreement.objects.get(company=prospect)
    lines = {line.code: line for line in agreement.lines.all()}
    assert (lines["S1"].commitment, lines["S1"].billing, lines["S1"].auto_renew) == (
        "3y",
        "monthly",
        False,
    )
    assert (lines["A3"].commitment, lines["A3"].billing, lines["A3"].auto_renew) == (
        "1y",
        "annual",
        True,
    )
    # The term starts when the vendor provisions the order.
    assert lines["S1"].term_start is None and lines["S1"].term_end is None
    reader = PdfReader(io.BytesIO(addendum_pdf(Order.objects.get(company=prospect))))
    addendum = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert (
        "Product Commitment Auto-renew Term "
        "S1 – Email Security Cloud Gateway 3-year commitment Off from provisioning "
        "A3 – Archive 10-Year 1-year commitment On from provisioning" in addendum
    )


def test_a_term_the_product_does_not_offer_is_refused_next_to_it(submit, prospect):
    response = submit(term_S1="3y")  # S1 offers Monthly and a 1-year commitment

    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. 3y is not one of the available choices." in html
    assert not Agreement.objects.filter(company=prospect).exists()


def test_a_form_without_terms_orders_each_product_on_its_default_term(submit, prospect):
    submit(product_A3="on")

    lines = {line.code: line for line in Agreement.objects.get(company=prospect).lines.all()}
    assert (lines["S1"].commitment, lines["S1"].auto_renew) == ("monthly", True)
    assert (lines["A3"].commitment, lines["A3"].auto_renew) == ("1y", True)


def test_a_saved_order_keeps_the_terms_chosen(client, acme_admin, prospect, order_url):
    client.force_login(acme_admin)
    data = complete_order(implementation_lead=str(acme_admin.pk), term_S1="1y", submit=None)
    client.post(order_url, {**data, "save": "1"})

    assert Order.objects.get(company=prospect).terms["S1"] == {
        "commitment": "1y",
        "auto_renew": False,
    }
    html = client.get(reverse("orders:review", args=[prospect.pk])).content.decode()
    assert selected(html, "term_S1") == "1y"
    assert not re.search(r'<input type="checkbox" name="auto_renew_S1"[^>]*checked', html)
