"""Your prices and margin on the customer page: Northwind's 682 seats of S1 at the contracted
cost and at the MSP's price, the margin and the totals; an Admin gives a customer its own price
(in its History Log, MSP only) or returns it to the price book's."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.core.history import history_for
from portal.pricebook.models import SellingPrice
from portal.pricebook.services import selling_price_set


def section(response) -> str:
    html = response.content.decode()
    part = html.split('id="your-prices"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def page(client, company):
    return client.get(reverse("companies:detail", args=[company.pk]))


def book(partner, product, basis, amount, company=None):
    return selling_price_set(
        partner=partner,
        product=product,
        basis=basis,
        amount=Decimal(amount),
        actor=None,
        company=company,
    )


def own_price(client, company, product, basis, amount, **more):
    data = {f"c{product.pk}-basis": basis, f"c{product.pk}-amount": amount, **more}
    url = reverse("companies:your_price", args=[company.pk, product.pk])
    return client.post(url, data)


def test_the_section_shows_the_margin_at_the_price_books_markup(
    client, acme, acme_admin, northwind, catalog
):
    book(acme, catalog["S1"], "markup", "25")
    client.force_login(acme_admin)

    words = section(page(client, northwind))

    # 682 x 2.95 = 2,011.90 at cost; 682 x 3.69 = 2,516.58 at the MSP's price.
    assert (
        "S1 — Email Security Cloud Gateway 682 USD 2,011.90 USD 3.69 (cost + 25%, price book)"
        in words
    )
    assert "USD 2,516.58 USD 504.68 (20.1%)" in words
    assert "Total Monthly Fees USD 2,011.90 USD 2,516.58 USD 504.68" in words


def test_without_prices_it_points_to_the_price_book(client, acme_admin, northwind):
    client.force_login(acme_admin)

    words = section(page(client, northwind))

    assert "Set your selling prices in the Price Book to see your margin here." in words
    assert "Not set" in words and "Total Monthly Fees" not in words


def test_totals_wait_for_a_price_of_every_product(client, acme, acme_admin, fabrikam, catalog):
    book(acme, catalog["S1"], "price", "4.00")
    client.force_login(acme_admin)

    words = section(page(client, fabrikam))

    assert "The totals need a price for every product" in words
    assert "Total Monthly Fees" not in words


def test_an_admin_gives_the_customer_its_own_price(client, acme, acme_admin, northwind, catalog):
    book(acme, catalog["S1"], "markup", "25")
    client.force_login(acme_admin)

    response = own_price(client, northwind, catalog["S1"], "price", "4.00")

    assert response.status_code == 302
    assert response["Location"].endswith("#your-prices")
    words = section(page(client, northwind))
    assert "USD 4.00 (4.00 per unit, this customer's)" in words
    assert "Total Monthly Fees USD 2,011.90 USD 2,728.00 USD 716.10" in words
    entry = history_for(northwind).first()
    assert entry.summary == "Your price of S1 for Northwind Traders set to 4.00 per unit"
    assert entry.changes == {"Your price of S1": ["the price book's", "4.00 per unit"]}
    assert entry.msp_only and entry.actor == acme_admin
    # The price book's price is untouched; another customer still gets it.
    assert SellingPrice.objects.get(company=None).describe() == "cost + 25%"


def test_use_the_price_book_removes_the_customers_own_price(
    client, acme, acme_admin, northwind, catalog
):
    book(acme, catalog["S1"], "markup", "25")
    book(acme, catalog["S1"], "price", "4.00", company=northwind)
    client.force_login(acme_admin)

    own_price(client, northwind, catalog["S1"], "", "", remove="1")

    assert "USD 3.69 (cost + 25%, price book)" in section(page(client, northwind))
    assert not SellingPrice.objects.filter(company=northwind).exists()


def test_a_wrong_price_is_said_in_the_products_form(client, acme_admin, northwind, catalog):
    client.force_login(acme_admin)

    response = own_price(client, northwind, catalog["S1"], "markup", "2000")

    assert response.status_code == 400
    assert "A markup is at most 1,000%." in section(response)
    assert not SellingPrice.objects.exists()


def test_only_the_msps_admins_set_a_customers_price(
    client, acme_sales, outsider, northwind, catalog
):
    for user in (acme_sales, outsider):
        client.force_login(user)
        assert own_price(client, northwind, catalog["S1"], "price", "1").status_code == 404
    assert not SellingPrice.objects.exists()
    client.force_login(acme_sales)
    assert "Price for this customer" not in section(page(client, northwind))


def test_a_customers_price_is_its_msps_own(client, acme, acme_admin, northwind, catalog, globex):
    with pytest.raises(ValueError, match="its own MSP"):
        book(globex, catalog["S1"], "price", "1", company=northwind)
