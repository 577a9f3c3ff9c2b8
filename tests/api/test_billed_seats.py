"""Billed seats through the API, as a PSA tool sends them: one customer's figure, a batch of
many (all or nothing, each problem named by its item), the history paged; another MSP's
customer is a 404 (or, in a batch, simply not found); the same request again changes nothing."""

import pytest

from portal.companies.models import Company
from portal.core.models import HistoryEntry
from portal.usage.billing import Billed, billed_seats_set
from portal.usage.models import BilledSeats
from tests.fixtures.factories import make_company

V1 = "/api/v1"
BATCH = f"{V1}/billed-seats/"


def billed_url(company) -> str:
    return f"{V1}/customers/{company.pk}/billed-seats/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error


def figures() -> list[tuple[str, str, int, str]]:
    return list(
        BilledSeats.objects.order_by("id").values_list(
            "company__name", "product__code", "seats", "source"
        )
    )


# --- one customer -----------------------------------------------------------------------------


def test_a_figure_is_recorded_with_its_history_log_entry(admin_api, acme_admin, northwind):
    response = admin_api.post(billed_url(northwind), {"product": "S1", "seats": 650}, "json")

    assert response.status_code == 201, response.content
    assert response.json() == {
        "customer_id": northwind.pk,
        "customer_name": "Northwind Traders",
        "product": "S1",
        "seats": 650,
        "changed": True,
    }
    assert figures() == [("Northwind Traders", "S1", 650, "api")]
    assert BilledSeats.objects.get().entered_by == acme_admin
    entry = HistoryEntry.objects.get(object_id=northwind.pk, summary__startswith="Billed")
    assert entry.summary == "Billed seats of S1 set to 650 (API)"
    assert entry.changes == {"Billed seats of S1": ["—", "650"]}


def test_the_same_figure_again_records_nothing(admin_api, northwind):
    admin_api.post(billed_url(northwind), {"product": "S1", "seats": 650}, "json")

    again = admin_api.post(billed_url(northwind), {"product": "s1", "seats": 650}, "json")

    assert again.status_code == 200, again.content
    assert again.json()["changed"] is False
    assert figures() == [("Northwind Traders", "S1", 650, "api")]


def test_a_repeated_request_with_its_idempotency_key_is_replayed(admin_api, northwind):
    body = {"product": "S1", "seats": 650}
    first = admin_api.post(billed_url(northwind), body, "json", HTTP_IDEMPOTENCY_KEY="psa-1")

    again = admin_api.post(billed_url(northwind), body, "json", HTTP_IDEMPOTENCY_KEY="psa-1")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(figures()) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"product": "S9", "seats": 5}, "product", "Your MSP sells no product with the code “S9”."),
        (
            {"product": "OB1", "seats": 5},
            "product",
            "OB1 (Onboarding) is not charged per seat: only per-seat products have billed seats.",
        ),
        ({"product": "S1", "seats": -1}, "seats", "greater than or equal to 0"),
        ({"product": "S1", "seats": 1_000_001}, "seats", "less than or equal to 1000000"),
        ({"product": "S1", "seats": "many"}, "seats", "A valid integer is required."),
        ({"product": "S1"}, "seats", "This field is required."),
        ({"product": "S\u00001", "seats": 5}, "product", "control character (U+0000)"),
    ],
)
def test_a_bad_figure_is_refused_naming_its_field(admin_api, northwind, body, field, message):
    error = error_of(admin_api.post(billed_url(northwind), body, "json"), 400)

    assert message in error["fields"][field][0]
    assert not BilledSeats.objects.exists()


def test_a_customer_not_of_the_complete_list_is_409(admin_api, acme):
    litware = make_company(acme, "Litware Inc", status=Company.Status.IN_PROGRESS)

    error = error_of(
        admin_api.post(billed_url(litware), {"product": "S1", "seats": 5}, "json"), 409
    )

    assert error["code"] == "not_billable"
    assert "Litware Inc is a customer (In Progress)" in error["message"]
    assert not BilledSeats.objects.exists()


def test_another_msps_customer_or_a_prospect_is_404(outsider_api, admin_api, northwind, prospect):
    body = {"product": "S1", "seats": 5}

    assert error_of(outsider_api.post(billed_url(northwind), body, "json"), 404)["code"] == (
        "not_found"
    )
    assert error_of(outsider_api.get(billed_url(northwind)), 404)["code"] == "not_found"
    assert error_of(admin_api.post(billed_url(prospect), body, "json"), 404)
    assert not BilledSeats.objects.exists()


def test_the_history_lists_every_entry_newest_first_in_pages(
    sales_api, acme_admin, northwind, catalog
):
    for seats in range(1, 53):
        billed_seats_set(
            [Billed(northwind, catalog["S1"], seats)], actor=acme_admin, source="entered"
        )
    billed_seats_set([Billed(northwind, catalog["C1"], 9)], actor=None, source="uploaded")

    first = sales_api.get(billed_url(northwind)).json()
    second = sales_api.get(first["next"]).json()

    assert (first["count"], first["num_pages"], first["page"]) == (53, 2, 1)
    assert first["previous"] is None and second["next"] is None
    assert first["results"][0] == {
        "product": "C1",
        "product_name": "Continuity",
        "seats": 9,
        "source": "uploaded",
        "source_label": "Uploaded",
        "entered_by": None,
        "entered_by_name": None,
        "entered_at": first["results"][0]["entered_at"],
    }
    assert first["results"][1]["seats"] == 52
    assert first["results"][1]["entered_by"] == acme_admin.pk
    assert [r["seats"] for r in second["results"]] == [3, 2, 1]


# --- a batch ----------------------------------------------------------------------------------


def test_a_batch_records_every_figure_by_id_or_domain(admin_api, northwind, fabrikam):
    items = [
        {"customer_id": northwind.pk, "product": "S1", "seats": 650},
        {"domain": "FABRIKAM.example", "product": "S1", "seats": 340},
        {"domain": "fabrikam.example", "product": "C1", "seats": 340},
    ]

    response = admin_api.post(BATCH, {"items": items}, "json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changed"], body["unchanged"]) == (3, 0)
    assert [(i["customer_id"], i["product"], i["seats"]) for i in body["items"]] == [
        (northwind.pk, "S1", 650),
        (fabrikam.pk, "S1", 340),
        (fabrikam.pk, "C1", 340),
    ]
    assert figures() == [
        ("Northwind Traders", "S1", 650, "api"),
        ("Fabrikam Logistics", "S1", 340, "api"),
        ("Fabrikam Logistics", "C1", 340, "api"),
    ]

    again = admin_api.post(BATCH, {"items": items}, "json").json()

    assert (again["changed"], again["unchanged"]) == (0, 3)
    assert len(figures()) == 3


def test_a_batch_with_any_bad_item_records_nothing_and_names_each_problem(
    admin_api, northwind, fabrikam, prospect
):
    items = [
        {"customer_id": northwind.pk, "product": "S1", "seats": 650},  # good
        {"domain": "nobody.example", "product": "S1", "seats": 5},
        {"customer_id": 999_999, "product": "S1", "seats": 5},
        {"domain": "contoso.example", "product": "S1", "seats": 5},  # a prospect
        {"domain": "fabrikam.example", "product": "OB1", "seats": 5},
        {"domain": "fabrikam.example", "product": "S1", "seats": -5},
        {"customer_id": northwind.pk, "domain": "northwind.example", "product": "S1", "seats": 1},
        {"product": "S1", "seats": 1},
        {"domain": "northwind.example", "product": "S1", "seats": 651},  # twice
        "not an object",
    ]

    error = error_of(admin_api.post(BATCH, {"items": items}, "json"), 400)

    assert error["message"] == "9 of the 10 items have problems; nothing was recorded."
    fields = error["fields"]
    assert fields["items.1.domain"] == ["None of your customers has the domain “nobody.example”."]
    assert fields["items.2.customer_id"] == ["None of your customers has the id 999999."]
    assert fields["items.3.domain"][0].startswith("Contoso Pharmaceuticals is a prospect")
    assert fields["items.4.product"][0].startswith("OB1 (Onboarding) is not charged per seat")
    assert "greater than or equal to 0" in fields["items.5.seats"][0]
    assert fields["items.6.customer_id"] == [
        "Give the customer by customer_id or by domain, not both."
    ]
    assert fields["items.7.customer_id"] == fields["items.6.customer_id"]
    assert fields["items.8.product"] == [
        "Northwind Traders and S1 are given already in items.0: give each customer and product "
        "once."
    ]
    assert "Expected a dictionary" in fields["items.9.non_field_errors"][0]
    assert "items.0.customer_id" not in fields
    assert not BilledSeats.objects.exists()


def test_another_msps_customer_is_not_found_in_a_batch(outsider_api, northwind):
    items = [
        {"customer_id": northwind.pk, "product": "S1", "seats": 5},
        {"domain": "northwind.example", "product": "S1", "seats": 5},
    ]

    response = outsider_api.post(BATCH, {"items": items}, "json")

    error = error_of(response, 400)
    assert error["fields"]["items.0.customer_id"] == [
        f"None of your customers has the id {northwind.pk}."
    ]
    assert error["fields"]["items.1.domain"] == [
        "None of your customers has the domain “northwind.example”."
    ]
    assert b"Northwind" not in response.content.replace(b"northwind.example", b"")
    assert not BilledSeats.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Give a list of figures"),
        ({"items": "S1"}, "Give a list of figures"),
        ([{"product": "S1"}], "Give a list of figures"),
        ({"items": []}, "Give 1 to 1,000 figures at once."),
        ({"items": [{"domain": "x.example", "product": "S1", "seats": 1}] * 1001}, "1 to 1,000"),
    ],
)
def test_a_batch_that_is_not_a_list_of_1_to_1000_is_refused(admin_api, catalog, body, message):
    error = error_of(admin_api.post(BATCH, body, "json"), 400)

    assert message in error["fields"]["items"][0]


def test_a_batch_with_a_control_character_names_its_item(admin_api, catalog):
    items = [{"domain": "north\x1bwind.example", "product": "S1", "seats": 1}]

    error = error_of(admin_api.post(BATCH, {"items": items}, "json"), 400)

    assert "control character (U+001B)" in error["fields"]["items.0.domain"][0]


def test_a_replayed_batch_answers_as_the_first_time(admin_api, northwind):
    body = {"items": [{"customer_id": northwind.pk, "product": "S1", "seats": 650}]}
    first = admin_api.post(BATCH, body, "json", HTTP_IDEMPOTENCY_KEY="nightly-2026-12-01")

    again = admin_api.post(BATCH, body, "json", HTTP_IDEMPOTENCY_KEY="nightly-2026-12-01")
    other = admin_api.post(
        BATCH,
        {"items": [{"customer_id": northwind.pk, "product": "S1", "seats": 1}]},
        "json",
        HTTP_IDEMPOTENCY_KEY="nightly-2026-12-01",
    )

    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json() and first.json()["changed"] == 1
    assert error_of(other, 422)["code"] == "idempotency_key_reused"
    assert len(figures()) == 1
