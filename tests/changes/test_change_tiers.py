"""Preview Change Quote (issue 16, item 7): it opens with the current products and totals, and
a per-seat price that moved with the volume tier says which tier applies."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.changes.templatetags.changes import quantity
from portal.pricing import (
    Line,
    Money,
    PricedProduct,
    PriceTable,
    Tier,
    TierMove,
    price_change,
    price_line,
    tier_moves,
)
from tests.fixtures.customers import change_data

# Acme's contracted S1 and C1 prices (the demo's), all units at the tier's price.
TABLE = PriceTable.of(
    "USD",
    [
        PricedProduct(
            "S1",
            "Email Security Cloud Gateway",
            "per_seat",
            "monthly",
            tuple(
                Tier(q, Decimal(p))
                for q, p in ((1, "3.50"), (250, "3.20"), (500, "2.95"), (1000, "2.70"))
            ),
        ),
        PricedProduct(
            "C1",
            "Continuity",
            "per_seat",
            "monthly",
            (Tier(1, Decimal("1.25")), Tier(250, Decimal("1.10"))),
        ),
        PricedProduct("OB1", "Onboarding", "flat", "one_time", (Tier(1, Decimal("500.00")),)),
    ],
)


def moves(prior: dict[str, int], proposed: dict[str, int], table=TABLE) -> dict[str, TierMove]:
    lines = [price_line(TABLE, code, quantity) for code, quantity in prior.items()]
    return tier_moves(table, price_change(table, lines, proposed))


def usd(amount: str) -> Money:
    return Money(Decimal(amount), "USD")


def test_350_to_200_names_the_tier_of_200_seats_for_s1_and_c1():
    assert moves({"S1": 350, "C1": 350}, {"S1": 200, "C1": 200}) == {
        "S1": TierMove(1, 249, usd("3.50")),
        "C1": TierMove(1, 249, usd("1.25")),
    }


@pytest.mark.parametrize(
    ("prior", "proposed", "expected"),
    [
        (682, 700, {}),  # same tier, same price: nothing to say
        (200, 300, {"S1": TierMove(250, 499, usd("3.20"))}),
        (900, 1200, {"S1": TierMove(1000, None, usd("2.70"))}),  # the last tier has no end
    ],
)
def test_a_tier_is_named_only_when_the_seat_count_moved_into_another(prior, proposed, expected):
    assert moves({"S1": prior}, {"S1": proposed}) == expected


def test_a_contract_price_change_within_the_same_tier_is_not_a_tier_move():
    prior = [Line.of("S1", "Email Security Cloud Gateway", "monthly", "per_seat", 682, usd("3.10"))]

    assert tier_moves(TABLE, price_change(TABLE, prior, {"S1": 700})) == {}


def test_flat_and_added_products_have_no_tier_to_name():
    assert moves({"S1": 300}, {"S1": 300, "OB1": 1}) == {}


def test_a_quantity_a_version_lacks_is_a_dash():
    assert (quantity(None), quantity(0), quantity(1250)) == ("—", "0", "1,250")


def test_the_change_screen_opens_with_the_current_products_and_totals(client, acme_admin, fabrikam):
    client.force_login(acme_admin)

    html = client.get(reverse("changes:start", args=[fabrikam.pk])).content.decode()

    preview = html.split('id="preview"')[1].split("</dl>")[0]
    assert "<h4>Current products</h4>" in preview
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>.*?</tr>", preview, re.S)
        if "<td" in row
    ]
    assert rows == [
        "S1 — Email Security Cloud Gateway Monthly 350 USD 3.20 USD 1,120.00",
        "C1 — Continuity Monthly 350 USD 1.10 USD 385.00",
    ]
    assert "USD 1,505.00" in preview  # the monthly total, today and unchanged
    assert "Changes to Existing Products" not in preview and 'role="alert"' not in preview


def test_back_at_no_change_the_preview_says_so_and_still_shows_the_current_products(
    client, acme_admin, northwind
):
    client.force_login(acme_admin)
    url = reverse("changes:preview", args=[northwind.pk])

    html = client.post(url, change_data(northwind, seats="682")).content.decode()

    assert "No change to quote" in html and "<h4>Current products</h4>" in html
    assert "USD 2,011.90" in html


def test_the_preview_of_350_to_200_says_which_tier_applies(client, acme_admin, fabrikam):
    client.force_login(acme_admin)
    url = reverse("changes:preview", args=[fabrikam.pk])

    html = client.post(url, change_data(fabrikam, seats="200")).content.decode()
    html = re.sub(r"<[^>]+>", "", html)

    assert html.count("Tier 1–249 seats: USD 3.50") == 1
    assert html.count("Tier 1–249 seats: USD 1.25") == 1
