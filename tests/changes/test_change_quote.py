"""Change Options: the change form, its rules and the live Preview Change Quote (DESIGN §3, §6)."""

import re

import pytest
from django.urls import reverse

from portal.catalog.models import ContractedPrice
from portal.changes.models import ChangeOrder
from tests.fixtures.customers import change_data


def preview(client, company, **changes) -> str:
    url = reverse("changes:preview", args=[company.pk])
    return client.post(url, change_data(company, **changes)).content.decode()


def rows(html: str, heading: str) -> list[list[str]]:
    """The cells of the table under ``heading``, tags stripped."""
    section = html.split(f"<h4>{heading}</h4>")[1].split("</table>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row)]
        for row in re.findall(r"<tr.*?</tr>", section, re.S)
        if "<td" in row
    ]


def test_northwind_682_to_700_shows_minus_682_and_plus_700(client, acme_admin, northwind):
    client.force_login(acme_admin)

    html = preview(client, northwind, seats="700")

    assert rows(html, "Changes to Existing Products") == [
        ["S1 — Email Security Cloud Gateway", "Monthly", "-682", "USD 2.95", "USD -2,011.90"],
        ["S1 — Email Security Cloud Gateway", "Monthly", "700", "USD 2.95", "USD 2,065.00"],
    ]
    assert "New Total Monthly Fees" in html and "USD 2,065.00" in html


# 200 seats fall below the 250-seat tier that 350 were in: the row says which tier applies.
S1_TIER = "S1 — Email Security Cloud GatewayTier 1–249 seats: USD 3.50"
C1_TIER = "C1 — ContinuityTier 1–249 seats: USD 1.25"


def test_fabrikam_350_to_200_changes_both_s1_and_c1(client, acme_admin, fabrikam):
    client.force_login(acme_admin)

    html = preview(client, fabrikam, seats="200")

    assert rows(html, "Changes to Existing Products") == [
        ["S1 — Email Security Cloud Gateway", "Monthly", "-350", "USD 3.20", "USD -1,120.00"],
        [S1_TIER, "Monthly", "200", "USD 3.50", "USD 700.00"],
        ["C1 — Continuity", "Monthly", "-350", "USD 1.10", "USD -385.00"],
        [C1_TIER, "Monthly", "200", "USD 1.25", "USD 250.00"],
    ]
    new_total = html.split("New Total Monthly Fees</dt>")[1].split("</dd>")[0]
    assert "USD 950.00" in new_total


def test_adding_an_add_on_lists_it_as_added_and_keeps_the_rest(client, acme_admin, northwind):
    client.force_login(acme_admin)

    html = preview(client, northwind, seats="682", addon_A1="on", addon_seats_A1="40")

    assert rows(html, "Products added") == [
        ["A1 — Mac Client", "Monthly", "40", "USD 0.90", "USD 36.00"]
    ]
    assert rows(html, "Products kept") == [
        ["S1 — Email Security Cloud Gateway", "Monthly", "682", "USD 2.95", "USD 2,011.90"]
    ]


def test_select_new_upgrades_the_primary_product(client, acme_admin, northwind):
    client.force_login(acme_admin)

    html = preview(client, northwind, seats="700", mode="new", new_primary="S2")

    assert rows(html, "Products added") == [
        ["S2 — Email Security Integrated Suite", "Monthly", "700", "USD 4.60", "USD 3,220.00"]
    ]
    assert rows(html, "Changes to Existing Products") == [
        ["S1 — Email Security Cloud Gateway", "Monthly", "-682", "USD 2.95", "USD -2,011.90"]
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seats": "600", "mode": "add", "add_primary": "C1"}, "cannot be combined with a seat"),
        ({"seats": "600", "addon_A1": "on", "addon_seats_A1": "5"}, "cannot be combined"),
        ({"seats": "700", "addon_A1": "on", "addon_seats_A1": "701"}, "At most the 700"),
        ({"seats": "700", "addon_A1": "on"}, "Enter the seats for Mac Client."),
        ({"seats": "0"}, "Enter at least 1 seat."),
        ({"seats": "-5"}, "Enter at least 1 seat."),
        ({"seats": "682"}, "No change to quote"),
        ({"seats": "700", "mode": "new"}, "Choose the product."),
        ({"seats": "700", "mode": "new", "new_primary": "C1"}, "Select a valid choice"),
    ],
)
def test_a_change_that_breaks_a_rule_is_refused_with_the_reason(
    quote_change, northwind, changes, message
):
    response = quote_change(northwind, **changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ChangeOrder.objects.exists()


def test_save_quote_keeps_the_prices_and_a_validity(quote_change, northwind):
    response = quote_change(northwind, seats="700")

    assert response.redirect_chain[-1][0] == reverse("companies:detail", args=[northwind.pk])
    change = ChangeOrder.objects.get()
    assert change.status == ChangeOrder.Status.QUOTE and change.kind == "upsell"
    assert (change.valid_until - change.created_at.date()).days == 30
    [line] = change.lines.all()
    assert (line.prior_quantity, line.quantity) == (682, 700)
    assert str(line.prior_payment) == "2011.90" and str(line.payment) == "2065.00"
    assert "Quote saved, valid until" in response.content.decode()


def test_a_saved_quote_reopens_and_is_repriced_with_a_notice(
    client, quote_change, acme, catalog, northwind
):
    quote_change(northwind, seats="700")
    change = ChangeOrder.objects.get()
    ContractedPrice.objects.filter(partner=acme, product=catalog["S1"], min_quantity=500).update(
        unit_price="2.80"
    )

    html = client.get(reverse("changes:quote", args=[change.pk])).content.decode()

    assert 'value="700"' in html
    assert "Prices have changed since this quote was saved" in html
    assert "USD 1,960.00" in html  # 700 × 2.80


def test_an_expired_quote_says_so_when_reopened(client, quote_change, northwind):
    quote_change(northwind, seats="700")
    ChangeOrder.objects.update(valid_until="2020-01-01")

    html = client.get(reverse("changes:quote", args=[ChangeOrder.objects.get().pk])).content

    assert b"This quote expired on 2020-01-01" in html


def test_a_saved_quote_can_be_changed_and_deleted(client, quote_change, northwind):
    quote_change(northwind, seats="700")
    change = ChangeOrder.objects.get()

    client.post(
        reverse("changes:quote", args=[change.pk]),
        {**change_data(northwind, seats="750"), "save": "1"},
    )
    change.refresh_from_db()
    assert change.seats == 750 and ChangeOrder.objects.count() == 1

    response = client.post(reverse("changes:delete", args=[change.pk]), follow=True)
    assert "Quote deleted." in response.content.decode()
    assert not ChangeOrder.objects.exists()


def test_another_msp_cannot_reach_a_customer_or_its_quotes(
    client, quote_change, northwind, outsider
):
    quote_change(northwind, seats="700")
    change = ChangeOrder.objects.get()
    client.force_login(outsider)

    for url in (
        reverse("changes:start", args=[northwind.pk]),
        reverse("changes:quote", args=[change.pk]),
        reverse("changes:review", args=[change.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("changes:preview", args=[northwind.pk]), {}).status_code == 404
    assert client.post(reverse("changes:delete", args=[change.pk])).status_code == 404
    assert ChangeOrder.objects.count() == 1
