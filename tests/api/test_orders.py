"""A prospect's order through the API: the order form's rules and messages, the saved draft,
and Submit Order once only."""

import pytest

from portal.companies.models import Agreement, Company
from portal.orders.models import Order, Question

ANSWERS = {question: "Not Known" for question in Question.values}
COMPLETE = {
    "infrastructure": ANSWERS,
    "order_number": "PO-77",
    "accept_msa": True,
    "accept_authority": True,
}


@pytest.fixture
def urls(prospect):
    base = f"/api/v1/prospects/{prospect.pk}/order/"
    return {"order": base, "preview": base + "preview/", "submit": base + "submit/"}


def test_the_preview_prices_the_prospects_products_at_contracted_prices(admin_api, urls):
    answer = admin_api.post(urls["preview"], {"permitted_users": 250}, format="json")

    assert answer.status_code == 200
    assert answer.json()["lines"][0]["unit_price"] == "3.2000"  # the 250-seat tier
    assert answer.json()["totals"] == {
        "currency": "USD",
        "monthly": "800.00",
        "annual": "0.00",
        "one_time": "0.00",
        "initial": "800.00",
    }


def test_a_product_choice_the_form_refuses_is_refused_with_its_sentence(admin_api, urls):
    answer = admin_api.post(
        urls["preview"], {"products": [{"code": "S1"}, {"code": "S2"}]}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["non_field_errors"] == [
        "S2 replaces S1: choose one of them."
    ]


def test_submit_without_the_statements_and_answers_names_each_field(admin_api, urls, prospect):
    answer = admin_api.post(urls["submit"], {}, format="json")

    assert answer.status_code == 400
    fields = answer.json()["error"]["fields"]
    assert fields["accept_msa"] == ["Tick this box to confirm, or Save Prospect and Exit."]
    assert fields["order_number"] == ["Enter the order number, or tick Order Number Not Required."]
    assert "This field is required." in fields["infrastructure"]
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT
    assert not Agreement.objects.exists()


def test_an_unknown_question_is_named(admin_api, urls):
    answer = admin_api.post(
        urls["submit"], {**COMPLETE, "infrastructure": {"fax": "yes"}}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "infrastructure.fax": ["Not a question of the order form."]
    }


def test_both_an_order_number_and_not_required_is_refused(admin_api, urls):
    answer = admin_api.post(
        urls["submit"], {**COMPLETE, "order_number_not_required": True}, format="json"
    )
    assert answer.json()["error"]["fields"]["order_number"] == [
        "Enter an order number or tick Order Number Not Required, not both."
    ]


def test_save_keeps_a_draft_that_review_order_restores(admin_api, urls, prospect):
    saved = admin_api.put(
        urls["order"],
        {"permitted_users": 700, "infrastructure": {"mail_server": "Other"}, "order_number": "P1"},
        format="json",
    )

    assert saved.status_code == 200
    assert saved.json()["status"] == "draft"
    read = admin_api.get(urls["order"]).json()
    assert read["permitted_users"] == 700
    assert read["infrastructure"] == {"mail_server": "Other"}
    assert read["order_number"] == "P1"
    assert read["quote"]["totals"]["monthly"] == "2065.00"
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT


def test_totals_that_moved_since_they_were_shown_refuse_the_submit(admin_api, urls):
    answer = admin_api.post(urls["submit"], {**COMPLETE, "quoted_initial": "1.00"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["error"]["message"].startswith("The totals have changed")
    assert not Order.objects.filter(status=Order.Status.SUBMITTED).exists()


def test_a_retry_with_the_key_returns_the_same_order_and_another_submit_is_told_who(
    admin_api, sales_api, urls, acme_admin
):
    headers = {"Idempotency-Key": "order-1"}
    first = admin_api.post(urls["submit"], COMPLETE, format="json", headers=headers)
    again = admin_api.post(urls["submit"], COMPLETE, format="json", headers=headers)
    other = sales_api.post(urls["submit"], COMPLETE, format="json")

    assert first.status_code == again.status_code == 201
    assert again.json()["order_id"] == first.json()["order_id"]
    assert Order.objects.filter(status=Order.Status.SUBMITTED).count() == 1
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "already_submitted"
    assert str(acme_admin) in other.json()["error"]["message"]


def test_after_the_stored_answer_is_forgotten_the_key_still_finds_its_order(admin_api, urls):
    from portal.api.models import IdempotencyKey

    headers = {"Idempotency-Key": "order-1"}
    first = admin_api.post(urls["submit"], COMPLETE, format="json", headers=headers)
    IdempotencyKey.objects.all().delete()

    again = admin_api.post(urls["submit"], COMPLETE, format="json", headers=headers)

    assert again.status_code == 200
    assert again.json()["order_id"] == first.json()["order_id"]


def test_the_submitted_order_shows_on_the_customer_with_its_addendum(admin_api, urls, prospect):
    admin_api.post(urls["submit"], COMPLETE, format="json")

    attachments = admin_api.get(f"/api/v1/customers/{prospect.pk}/attachments/").json()
    [addendum] = attachments
    assert addendum["content_type"] == "application/pdf"
    download = admin_api.get(addendum["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    history = admin_api.get(f"/api/v1/customers/{prospect.pk}/history/").json()
    assert any(e["summary"].startswith("Order submitted (order number PO-77)") for e in history)
