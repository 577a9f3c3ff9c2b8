"""A change quote at the MSP's prices: the seed upsell of Northwind Traders from 682 to 700
seats of S1, on Preview Change Quote and Review Change Order, with the margin before and after;
nothing of it in what the vendor receives."""

import re
from decimal import Decimal

from django.urls import reverse

from portal.pricebook.services import selling_price_set
from tests.fixtures.customers import change_data


def margin_words(response) -> str:
    html = response.content.decode()
    part = html.split('id="your-margin">', 1)[1].split("</div>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def s1_at_25_percent(acme, catalog):
    selling_price_set(
        partner=acme, product=catalog["S1"], basis="markup", amount=Decimal(25), actor=None
    )


def test_review_change_order_shows_the_margin_before_and_after(
    acme, northwind, catalog, quote_change
):
    s1_at_25_percent(acme, catalog)

    response = quote_change(northwind, review=True, seats="700")

    words = margin_words(response)
    # 682 x 2.95 = 2,011.90 and 682 x 3.69 = 2,516.58; 700 x 2.95 = 2,065.00 and x 3.69 = 2,583.00.
    assert "Current Monthly Fees USD 2,011.90 USD 2,516.58 USD 504.68" in words
    assert "New Monthly Fees USD 2,065.00 USD 2,583.00 USD 518.00" in words


def test_the_preview_shows_it_as_the_seats_change(client, acme, acme_admin, northwind, catalog):
    s1_at_25_percent(acme, catalog)
    client.force_login(acme_admin)

    response = client.post(
        reverse("changes:preview", args=[northwind.pk]),
        change_data(northwind, seats="700"),
        HTTP_HX_REQUEST="true",
    )

    assert "New Monthly Fees USD 2,065.00 USD 2,583.00 USD 518.00" in margin_words(response)


def test_a_product_without_a_price_is_named_instead_of_a_partial_margin(
    acme, fabrikam, catalog, quote_change
):
    s1_at_25_percent(acme, catalog)

    response = quote_change(fabrikam, review=True, seats="400")

    assert margin_words(response) == (
        "Your prices and margin Set your price of C1 in the Price Book to see your margin on "
        "this change."
    )


def test_without_a_price_book_nothing_is_said(northwind, quote_change):
    response = quote_change(northwind, review=True, seats="700")

    assert 'id="your-margin"' not in response.content.decode()
