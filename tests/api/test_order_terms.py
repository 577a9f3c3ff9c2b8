"""A prospect's order through the API chooses each product's term as the order form does: one
the product is offered on, with Auto-renew; a draft keeps them; the version ordered shows
them."""

import pytest

from portal.orders.models import Question

COMPLETE = {
    "infrastructure": {question: "Not Known" for question in Question.values},
    "order_number": "PO-77",
    "accept_msa": True,
    "accept_authority": True,
}


@pytest.fixture
def urls(prospect):
    base = f"/api/v1/prospects/{prospect.pk}/order/"
    return {"order": base, "submit": base + "submit/"}


def terms_of(agreement: dict) -> dict:
    return {line["code"]: (line["commitment"], line["auto_renew"]) for line in agreement["lines"]}


def test_an_order_on_a_1_year_commitment_without_auto_renew(admin_api, urls):
    products = [{"code": "S1", "commitment": "1y", "auto_renew": False}]

    answer = admin_api.post(urls["submit"], {**COMPLETE, "products": products}, format="json")

    assert answer.status_code == 201, answer.json()
    assert terms_of(answer.json()["agreement"]) == {"S1": ("1y", False)}


def test_a_product_without_a_term_given_gets_its_default_with_auto_renew(admin_api, urls):
    answer = admin_api.post(urls["submit"], COMPLETE, format="json")

    assert terms_of(answer.json()["agreement"]) == {"S1": ("monthly", True)}


def test_a_term_the_product_is_not_offered_on_is_refused_next_to_it(admin_api, urls):
    products = [{"code": "S1", "commitment": "3y"}]

    answer = admin_api.post(urls["submit"], {**COMPLETE, "products": products}, format="json")

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"]["products.S1"] == [
        "S1 is not offered on a 3-year commitment: choose one of monthly, 1y."
    ]


def test_a_draft_keeps_the_terms_and_the_submit_takes_them(admin_api, urls):
    products = [{"code": "S1", "commitment": "1y"}]
    admin_api.put(urls["order"], {"products": products}, format="json")

    draft = admin_api.get(urls["order"]).json()
    answer = admin_api.post(urls["submit"], COMPLETE, format="json")

    assert draft["terms"] == [{"code": "S1", "commitment": "1y", "auto_renew": True}]
    assert terms_of(answer.json()["agreement"]) == {"S1": ("1y", True)}
