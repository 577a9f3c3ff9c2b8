"""Review Change Order saves nothing (issue 16, item 3): Cancel discards, only Save Quote keeps,
Submit records and submits what was reviewed; and its summary shows "—", as the addendum does,
for a product one version does not have (item 2)."""

import re
import uuid

from django.urls import reverse

from portal.catalog.models import ContractedPrice
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement
from tests.fixtures.customers import change_data, review_data


def hidden(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def summary(html: str) -> list[list[str]]:
    """The Change Order Summary's rows, tags stripped."""
    body = html.split('<table class="summary">')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", row, re.S)]
        for row in re.findall(r"<tr>.*?</tr>", body, re.S)
    ]


def submit_page(client, url: str, page: dict, **changes):
    return client.post(url, {**page, **review_data(**changes), "submit": "1"}, follow=True)


def test_review_then_cancel_leaves_no_change_order_and_no_saved_quote(
    client, quote_change, northwind
):
    html = quote_change(northwind, review=True, seats="700").content.decode()
    assert "Cancel discards this change" in html
    cancel = reverse("companies:detail", args=[northwind.pk])
    assert f'href="{cancel}">Cancel</a>' in html

    customer = client.get(cancel).content.decode()

    assert not ChangeOrder.objects.exists()
    assert "Saved quotes" not in customer


def test_a_saved_quote_changed_and_reviewed_stays_as_saved_until_submitted(
    client, quote_change, northwind
):
    quote_change(northwind, seats="700")
    saved = ChangeOrder.objects.get()
    lines = list(saved.lines.values_list("quantity", "payment"))
    url = reverse("changes:quote", args=[saved.pk])

    html = client.post(url, {**change_data(northwind, seats="750"), "review": "1"}).content
    page = hidden(html.decode())

    again = ChangeOrder.objects.get()
    assert (again.seats, again.updated_at) == (700, saved.updated_at)
    assert list(again.lines.values_list("quantity", "payment")) == lines
    assert b"stays as it was saved" in html

    response = submit_page(client, url, page)
    assert "Upsell Pending Order submitted" in response.content.decode()
    submitted = ChangeOrder.objects.get()  # the saved quote became the change order
    assert submitted.pk == saved.pk and submitted.status == ChangeOrder.Status.SUBMITTED
    assert submitted.seats == 750 and submitted.agreement.total_users == 750
    assert [(line.prior_quantity, line.quantity) for line in submitted.lines.all()] == [(682, 750)]


def test_back_to_change_options_keeps_what_was_reviewed(client, quote_change, northwind):
    page = hidden(quote_change(northwind, review=True, seats="750").content.decode())

    response = client.post(reverse("changes:start", args=[northwind.pk]), {**page, "back": "1"})

    html = response.content.decode()
    assert response.status_code == 200 and 'value="750"' in html
    assert "Changes to Existing Products" in html
    assert not ChangeOrder.objects.exists()


def test_prices_changed_after_review_are_shown_and_nothing_is_submitted(
    client, quote_change, acme, catalog, northwind
):
    page = hidden(quote_change(northwind, review=True, seats="700").content.decode())
    ContractedPrice.objects.filter(partner=acme, product=catalog["S1"], min_quantity=500).update(
        unit_price="2.80"
    )
    url = reverse("changes:start", args=[northwind.pk])

    response = submit_page(client, url, page)

    html = response.content.decode()
    assert response.status_code == 409 and "prices or the agreement have changed" in html
    assert "USD 1,960.00" in html  # 700 × 2.80, as Submit would take it
    assert not ChangeOrder.objects.exists() and not Agreement.objects.filter(version=2).exists()

    submit_page(client, url, hidden(html))  # the figures now shown: submitted
    assert ChangeOrder.objects.get().lines.get().payment == 1960


def test_a_submit_of_the_same_form_from_another_customer_page_is_refused(
    client, quote_change, northwind, fabrikam
):
    page = hidden(quote_change(northwind, review=True, seats="700").content.decode())
    key = str(uuid.uuid4())
    submit_page(client, reverse("changes:start", args=[northwind.pk]), page, idempotency_key=key)

    other = hidden(quote_change(fabrikam, review=True, seats="400").content.decode())
    url = reverse("changes:start", args=[fabrikam.pk])
    response = submit_page(client, url, other, idempotency_key=key)

    assert response.status_code == 409 and "submitted already" in response.content.decode()
    assert not Agreement.objects.filter(company=fabrikam, version=2).exists()


def test_an_upgrade_shows_a_dash_where_a_version_has_no_such_product(quote_change, northwind):
    html = quote_change(
        northwind, review=True, seats="700", mode="new", new_primary="S2"
    ).content.decode()

    assert "None" not in html
    assert summary(html) == [
        [
            "S1 — Email Security Cloud Gateway",
            "Monthly",
            "682",
            "—",
            "USD 2.95",
            "—",
            "USD 2,011.90",
            "—",
        ],
        [
            "S2 — Email Security Integrated Suite",
            "Monthly",
            "—",
            "700",
            "—",
            "USD 4.60",
            "—",
            "USD 3,220.00",
        ],
    ]


def test_add_to_shows_a_dash_for_the_prior_quantity_of_the_product_added(quote_change, northwind):
    html = quote_change(
        northwind, review=True, seats="682", mode="add", add_primary="C1"
    ).content.decode()

    assert "None" not in html
    rows = summary(html)
    assert rows[1][:4] == ["C1 — Continuity", "Monthly", "—", "682"]
    assert rows[0][2:4] == ["682", "682"]
