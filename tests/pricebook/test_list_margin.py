"""Customers | Complete with the MSP's price book: each customer's monthly fees at the MSP's
prices and the margin under its Monthly Fees, from the version in effect; nothing of it before
the MSP has any price."""

import csv
import io
import re

from django.urls import reverse

from tests.pricebook.test_customer_prices import book


def cells(response, name: str) -> list[str]:
    html = response.content.decode()
    row = html.split(f">{name}</a>", 1)[1].split("</tr>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row.split("</td>")[1:-1]]


def headers(response) -> list[str]:
    head = response.content.decode().split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", th).split()) for th in head.split("</th>")[:-1]]


def test_the_margin_of_each_customer_beside_its_monthly_fees(
    client, acme, acme_admin, northwind, fabrikam, catalog
):
    book(acme, catalog["S1"], "markup", "25")
    book(acme, catalog["S1"], "price", "4.00", company=northwind)
    client.force_login(acme_admin)

    response = client.get(reverse("customers:complete"))

    assert headers(response)[4] == "Monthly Fees"
    # Northwind's own price: 682 x 4.00 = 2,728.00 against 682 x 2.95 = 2,011.90.
    assert cells(response, "Northwind Traders")[3] == (
        "USD 2,011.90 yours USD 2,728.00 margin USD 716.10"
    )
    # Fabrikam's C1 has no price yet: no partial figure.
    assert cells(response, "Fabrikam Logistics")[3] == "USD 1,505.00"


def test_no_price_book_no_margin_columns(client, acme_admin, northwind):
    client.force_login(acme_admin)

    response = client.get(reverse("customers:complete"))

    assert headers(response)[4] == "Monthly Fees"
    assert "yours" not in cells(response, "Northwind Traders")[3]


def exported(client) -> list[list[str]]:
    response = client.get(reverse("customers:complete_csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_has_the_fees_at_the_msps_prices_and_the_margin(
    client, acme, acme_admin, northwind, fabrikam, catalog
):
    book(acme, catalog["S1"], "markup", "25")
    book(acme, catalog["S1"], "price", "4.00", company=northwind)
    client.force_login(acme_admin)

    rows = exported(client)

    at = rows[0].index("Monthly Fees")
    assert rows[0][at : at + 3] == ["Monthly Fees", "Monthly Fees at Your Prices", "Margin"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Northwind Traders"][at : at + 3] == ["2011.90", "2728.00", "716.10"]
    assert by_name["Fabrikam Logistics"][at : at + 3] == ["1505.00", "", ""]


def test_no_price_book_no_margin_in_the_export(client, acme_admin, northwind):
    client.force_login(acme_admin)

    assert "Margin" not in exported(client)[0]
