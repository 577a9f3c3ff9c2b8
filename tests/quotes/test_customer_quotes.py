"""Customer quotes at the MSP's prices: made from the seed upsell of Northwind Traders (682 ->
700 seats of S1, saved as a change quote), opened by the end customer through the signed link
without logging in, accepted (name, title, time and address recorded) or declined; the MSP is
told by e-mail and webhook and reviews the change order with the quote's 700 seats."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.changes.models import ChangeOrder
from portal.core.history import history_for
from portal.core.outbox.models import OutgoingMessage
from portal.pricebook.services import selling_price_set
from portal.quotes.links import quote_token
from portal.quotes.models import CustomerQuote
from portal.webhooks.models import WebhookDelivery, WebhookEndpoint


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def s1_price(acme, basis="markup", amount="25"):
    selling_price_set(
        partner=acme,
        product=acme.products.get(code="S1"),
        basis=basis,
        amount=Decimal(amount),
        actor=None,
    )


@pytest.fixture
def saved_upsell(acme, northwind, quote_change) -> ChangeOrder:
    """Northwind's 682 -> 700 seats of S1, saved as a change quote by Acme's Admin."""
    quote_change(northwind, seats="700")
    return ChangeOrder.objects.get(company=northwind, status=ChangeOrder.Status.QUOTE)


@pytest.fixture
def made(client, acme, acme_admin, saved_upsell) -> CustomerQuote:
    s1_price(acme)
    client.force_login(acme_admin)
    client.post(reverse("quotes:make", args=[saved_upsell.pk]))
    return CustomerQuote.objects.get()


def public(quote) -> str:
    return reverse("quotes:public", args=[quote_token(quote)])


def accept(client, quote, **data):
    fields = {"name": "Jane Doe", "title": "CTO", "agree": "on", "accept": "1", **data}
    return client.post(public(quote), fields, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Test")


def test_a_quote_is_made_at_the_msps_prices(made, acme_admin, northwind):
    # 700 seats of S1 at 2.95 + 25% = 3.69: 2,583.00 a month.
    assert made.lines == [
        {
            "code": "S1",
            "name": "Email Security Cloud Gateway",
            "term": "monthly",
            "charge": "per_seat",
            "quantity": 700,
            "cost": "2.9500",
            "unit_price": "3.69",
            "payment": "2583.00",
        }
    ]
    assert made.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    assert (made.seats, made.status, made.created_by) == (700, "open", acme_admin)
    entry = history_for(northwind).first()
    assert entry.summary.startswith(f"Customer quote {made.number} made: 700 seats")
    assert entry.msp_only


def test_a_product_without_a_price_stops_the_quote(client, acme_admin, saved_upsell):
    client.force_login(acme_admin)

    response = client.post(reverse("quotes:make", args=[saved_upsell.pk]), follow=True)

    assert "Set your price of S1 in the Price Book" in words(response)
    assert not CustomerQuote.objects.exists()


def test_the_customer_sees_the_msps_prices_and_nothing_of_its_costs(made):
    page = Client().get(public(made))

    text = words(page)
    assert page.status_code == 200
    assert f"Quote {made.number} for Northwind Traders" in text
    assert "S1 — Email Security Cloud Gateway Monthly 700 USD 3.69 USD 2,583.00" in text
    assert "2.95" not in text and "Margin" not in text and "2,065.00" not in text
    pdf = Client().get(reverse("quotes:public_pdf", args=[quote_token(made)]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Quote Q-" in text and "USD 2,583.00" in text and "2.95" not in text


def test_accepting_records_who_when_and_from_where_and_tells_the_msp(
    client, made, acme, acme_admin
):
    WebhookEndpoint.objects.create(
        partner=acme, url="https://hooks.example/q", events=["quote.accepted"]
    )
    client.logout()

    response = accept(client, made)

    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "accepted"
    assert (made.answered_name, made.answered_title, made.answered_ip) == (
        "Jane Doe",
        "CTO",
        "203.0.113.7",
    )
    assert made.answered_at is not None and made.answered_agent == "Test"
    assert "Accepted on" in words(client.get(public(made)))
    mail = OutgoingMessage.objects.get(template="quote_accepted")
    assert acme_admin.email in mail.to
    assert mail.subject == f"Customer quote {made.number} accepted by Northwind Traders"
    delivery = WebhookDelivery.objects.get(event="quote.accepted")
    assert delivery.payload["data"]["quote"]["answered_by"] == {"name": "Jane Doe", "title": "CTO"}


def test_the_msp_reviews_the_change_order_with_the_quotes_seats(client, made, acme_admin):
    client.logout()
    accept(client, made)
    client.force_login(acme_admin)

    page = client.get(reverse("quotes:detail", args=[made.pk]))
    review = reverse("changes:review", args=[made.change_id])

    assert f'href="{review}"' in page.content.decode()
    reviewed = words(client.get(review))
    assert "Review Change Order" in reviewed and "700" in reviewed


def test_a_quote_is_answered_once(client, made):
    client.logout()
    accept(client, made)

    again = accept(client, made, name="Someone Else")
    declined = client.post(public(made), {"decline": "1", "comment": "no"})

    assert again.status_code == 409 and declined.status_code == 409
    assert "This quote was accepted already." in words(again)
    made.refresh_from_db()
    assert (made.status, made.answered_name) == ("accepted", "Jane Doe")


def test_declining_keeps_the_comment_and_tells_the_msp(client, made):
    client.logout()

    client.post(public(made), {"decline": "1", "name": "Jane", "comment": "Too dear."})

    made.refresh_from_db()
    assert (made.status, made.comment) == ("declined", "Too dear.")
    assert OutgoingMessage.objects.filter(template="quote_declined").count() == 1


def test_accepting_needs_a_name_a_title_and_the_tick(client, made):
    client.logout()

    response = accept(client, made, name="", agree="")

    assert response.status_code == 400
    assert "This field is required." in words(response)
    made.refresh_from_db()
    assert made.status == "open"


def test_a_quote_past_its_validity_cannot_be_accepted(client, made):
    client.logout()
    later = timezone.now() + datetime.timedelta(days=31)
    with time_machine.travel(later):
        page = client.get(public(made))
        response = accept(client, made)

    assert f"This quote expired on {made.valid_until:%Y-%m-%d}" in words(page)
    assert response.status_code == 409
    made.refresh_from_db()
    assert made.status == "open"


def test_a_quote_whose_prices_moved_says_so_and_cannot_be_accepted(client, acme, made):
    s1_price(acme, "markup", "30")
    client.logout()

    page = client.get(public(made))
    response = accept(client, made)

    assert "The prices of S1 have changed since this quote was made." in words(page)
    assert "Accept quote" not in words(page)
    assert response.status_code == 409
    made.refresh_from_db()
    assert made.status == "open"


def test_a_link_not_ours_and_another_msps_quote_are_not_found(client, made, outsider, staff):
    client.logout()
    token = quote_token(made)

    assert client.get(reverse("quotes:public", args=[token[:-2] + "xx"])).status_code == 404
    assert client.get(reverse("quotes:public", args=["nothing"])).status_code == 404
    for user in (outsider, staff):
        client.force_login(user)
        assert client.get(reverse("quotes:detail", args=[made.pk])).status_code == 404
        assert client.get(reverse("quotes:pdf", args=[made.pk])).status_code == 404
    client.force_login(outsider)
    assert client.post(reverse("quotes:make", args=[made.change_id])).status_code == 404


def test_a_prospects_order_is_quoted_and_accepted_into_review_order(
    client, acme, acme_admin, prospect
):
    # Contoso: S1 for 682 permitted users, at 2.95 + 25% = 3.69.
    s1_price(acme)
    client.force_login(acme_admin)

    client.post(reverse("quotes:make_order", args=[prospect.pk]))

    quote = CustomerQuote.objects.get()
    assert quote.is_order and quote.seats == 682
    assert [(r["code"], r["quantity"], r["unit_price"], r["payment"]) for r in quote.lines] == [
        ("S1", 682, "3.69", "2516.58")
    ]
    client.logout()
    accept(client, quote)
    client.force_login(acme_admin)
    page = client.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert f'href="{reverse("orders:review", args=[prospect.pk])}"' in page
    assert ">Review Order<" in page


def test_a_prospect_without_a_priced_product_cannot_be_quoted(client, acme_admin, prospect):
    client.force_login(acme_admin)

    response = client.post(reverse("quotes:make_order", args=[prospect.pk]), follow=True)

    assert "Set your price of S1 in the Price Book" in words(response)
    assert not CustomerQuote.objects.exists()


def test_the_answer_stays_when_the_change_quote_is_deleted(client, made, acme_admin):
    client.logout()
    accept(client, made)
    made.change.delete()

    made.refresh_from_db()
    assert (made.status, made.change, made.answered_name) == ("accepted", None, "Jane Doe")
    client.force_login(acme_admin)
    assert client.get(reverse("quotes:detail", args=[made.pk])).status_code == 200
