"""The Price Book page: an Admin sets the MSP's selling price of each product (a price per unit
or a markup on the contracted price), sees it beside the contracted tiers with the margin, and
removes it; each change is in the book's History Log, which the vendor's console never lists."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.core.models import HistoryEntry
from portal.pricebook.models import SellingPrice
from portal.pricebook.services import selling_price_set

BOOK = "/price-book/"


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def row_words(response, product) -> str:
    html = response.content.decode()
    part = html.split(f'id="p{product.pk}"', 1)[1].split("\n      </tr>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def set_price(client, product, basis, amount, **more):
    data = {f"p{product.pk}-basis": basis, f"p{product.pk}-amount": amount, **more}
    return client.post(reverse("pricebook:edit", args=[product.pk]), data)


@pytest.fixture
def s1(catalog):
    return catalog["S1"]


def test_an_admin_sets_a_markup_and_sees_each_tier_at_cost_and_at_her_price(client, acme_admin, s1):
    client.force_login(acme_admin)

    response = set_price(client, s1, "markup", "25")

    assert response.status_code == 302
    assert response["Location"] == f"{BOOK}#p{s1.pk}"
    page = client.get(BOOK)
    row = row_words(page, s1)
    # 3.50 + 25% = 4.375 -> 4.38; 2.95 + 25% = 3.6875 -> 3.69.
    assert "1 USD 3.50 USD 4.38 USD 0.88" in row
    assert "500 USD 2.95 USD 3.69 USD 0.74" in row
    assert "Saved your price of S1: cost + 25%." in words(page)
    price = SellingPrice.objects.get()
    assert (price.basis, price.amount, price.company, price.updated_by) == (
        "markup",
        Decimal("25.00"),
        None,
        acme_admin,
    )


def test_a_price_per_unit_replaces_the_markup_and_the_history_says_who_and_what(
    client, acme_admin, s1
):
    client.force_login(acme_admin)
    set_price(client, s1, "markup", "25")

    set_price(client, s1, "price", "4.00")

    assert SellingPrice.objects.get().describe() == "4.00 per unit"
    entries = list(HistoryEntry.objects.filter(partner=acme_admin.partner).order_by("id"))
    assert [entry.summary for entry in entries] == [
        "Your price of S1 in the price book set to cost + 25%",
        "Your price of S1 in the price book set to 4.00 per unit",
    ]
    assert entries[1].changes == {"Your price of S1": ["cost + 25%", "4.00 per unit"]}
    assert all(entry.msp_only and entry.actor == acme_admin for entry in entries)
    assert "Your price of S1 in the price book set to 4.00 per unit" in words(client.get(BOOK))


def test_the_same_price_posted_again_changes_nothing(client, acme_admin, s1):
    client.force_login(acme_admin)
    set_price(client, s1, "price", "4.00")

    set_price(client, s1, "price", "4.00")

    assert SellingPrice.objects.count() == 1
    assert HistoryEntry.objects.filter(partner=acme_admin.partner).count() == 1


def test_remove_leaves_the_product_without_a_price(client, acme_admin, s1):
    client.force_login(acme_admin)
    set_price(client, s1, "markup", "25")

    response = set_price(client, s1, "", "", remove="1")

    assert response.status_code == 302
    assert not SellingPrice.objects.exists()
    removed = "Your price of S1 in the price book removed"
    assert HistoryEntry.objects.filter(summary=removed).exists()


@pytest.mark.parametrize(
    ("basis", "amount", "message"),
    [
        ("markup", "1500", "A markup is at most 1,000%."),
        ("price", "-1", "Ensure this value is greater than or equal to 0."),
        ("price", "abc", "Enter a number."),
        ("price", "1.234", "Ensure that there are no more than 2 decimal places."),
        ("price", "", "This field is required."),
        ("wholesale", "4", "Select a valid choice. wholesale is not one of the available choices."),
    ],
)
def test_a_wrong_price_is_said_next_to_its_field_and_nothing_is_saved(
    client, acme_admin, s1, basis, amount, message
):
    client.force_login(acme_admin)

    response = set_price(client, s1, basis, amount)

    assert response.status_code == 400
    assert message in row_words(response, s1)
    assert not SellingPrice.objects.exists()


def test_a_sales_user_reads_the_book_and_cannot_change_it(client, acme_sales, acme_admin, s1):
    selling_price_set(
        partner=acme_admin.partner, product=s1, basis="price", amount=Decimal("4"), actor=None
    )
    client.force_login(acme_sales)

    page = client.get(BOOK)

    assert "4.00 per unit" in row_words(page, s1)
    assert "<form" not in page.content.decode().split('id="p', 1)[1].split("</table>")[0]
    assert set_price(client, s1, "price", "1").status_code == 404
    assert SellingPrice.objects.get().amount == Decimal("4.00")


def test_another_msps_product_or_book_is_not_found(client, outsider, acme_admin, catalog):
    client.force_login(outsider)

    assert set_price(client, catalog["S1"], "price", "1").status_code == 404
    assert not SellingPrice.objects.exists()
    client.force_login(acme_admin)
    selling_price_set(
        partner=acme_admin.partner,
        product=catalog["S1"],
        basis="price",
        amount=Decimal("4"),
        actor=acme_admin,
    )
    client.force_login(outsider)
    assert "4.00 per unit" not in client.get(BOOK).content.decode()


def test_the_vendors_console_never_lists_the_msps_prices(client, acme_admin, staff, s1):
    client.force_login(acme_admin)
    set_price(client, s1, "markup", "25")
    client.force_login(staff)

    page = client.get(reverse("admin:core_historyentry_changelist"))

    assert page.status_code == 200
    assert "Your price of S1" not in page.content.decode()
    assert HistoryEntry.objects.filter(msp_only=True).count() == 1
