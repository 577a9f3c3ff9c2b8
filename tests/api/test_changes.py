"""Change quotes through the API: the seeds' upsell and downsell, the change form's rules,
saved quotes, Submit once, Cancel downsell."""

from portal.catalog.models import ContractedPrice
from portal.changes.models import ChangeOrder
from portal.companies.models import Agreement

SUBMIT = {"order_number": "PO-9", "accept_msa": True, "accept_authority": True}


def preview(api, company, **body):
    return api.post(f"/api/v1/customers/{company.pk}/change-quotes/preview/", body, format="json")


def save(api, company, **body):
    return api.post(f"/api/v1/customers/{company.pk}/change-quotes/", body, format="json")


def test_the_seed_downsell_350_to_200_on_s1_and_c1(admin_api, fabrikam):
    answer = preview(admin_api, fabrikam, seats=200)

    assert answer.status_code == 200
    body = answer.json()
    assert body["kind"] == "downsell"
    assert [
        (r["code"], r["prior_quantity"], r["quantity"], r["prior_unit_price"], r["unit_price"])
        for r in body["summary"]
    ] == [
        ("S1", 350, 200, "3.2000", "3.5000"),
        ("C1", 350, 200, "1.1000", "1.2500"),
    ]
    assert body["new_totals"]["monthly"] == "950.00"


def test_a_product_change_with_fewer_seats_is_refused_with_the_rule(admin_api, northwind):
    answer = preview(admin_api, northwind, seats=600, mode="new", primary="S2")

    assert answer.status_code == 400
    [message] = answer.json()["error"]["fields"]["non_field_errors"]
    assert "seat" in message.lower()


def test_no_change_is_refused(admin_api, northwind):
    answer = preview(admin_api, northwind)
    assert answer.json()["error"]["fields"]["non_field_errors"] == [
        "No change to quote: change the Total Number of Seats or the products."
    ]


def test_an_add_on_not_offered_is_named(admin_api, northwind):
    answer = preview(admin_api, northwind, seats=700, addons=[{"code": "ZZ"}])
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"addons": ["Not an add-on you can choose: ZZ."]}


def test_a_saved_quote_is_listed_changed_and_deleted(admin_api, northwind):
    saved = save(admin_api, northwind, seats=700)
    assert saved.status_code == 201
    quote = saved.json()
    assert (quote["status"], quote["kind"], quote["seats"]) == ("quote", "upsell", 700)
    assert quote["valid_until"] is not None and quote["expired"] is False

    listed = admin_api.get(f"/api/v1/customers/{northwind.pk}/change-quotes/").json()
    assert [q["id"] for q in listed] == [quote["id"]]

    changed = admin_api.put(f"/api/v1/change-quotes/{quote['id']}/", {"seats": 1000}, format="json")
    assert changed.status_code == 200
    assert changed.json()["summary"][0]["unit_price"] == "2.7000"  # the 1,000-seat tier

    assert admin_api.delete(f"/api/v1/change-quotes/{quote['id']}/").status_code == 204
    assert not ChangeOrder.objects.exists()


def test_submit_once_then_change_options_waits_for_the_vendor(admin_api, sales_api, northwind):
    quote = save(admin_api, northwind, seats=700).json()
    url = f"/api/v1/change-quotes/{quote['id']}/submit/"

    refused = admin_api.post(url, {"accept_msa": True}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["accept_authority"] == ["Tick this box to confirm."]

    submitted = admin_api.post(url, SUBMIT, format="json", headers={"Idempotency-Key": "c1"})
    again = admin_api.post(url, SUBMIT, format="json", headers={"Idempotency-Key": "c1"})
    assert submitted.status_code == again.status_code == 201
    assert again.json() == submitted.json()
    assert Agreement.objects.filter(company=northwind, version=2).count() == 1

    second = save(sales_api, northwind, seats=800)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "change_options_closed"
    assert "waiting to sync" in second.json()["error"]["message"]


def test_a_submit_at_moved_prices_is_refused_and_the_quote_shows_the_new_ones(
    admin_api,
    northwind,
    acme,
):
    quote = save(admin_api, northwind, seats=700).json()
    ContractedPrice.objects.filter(partner=acme, product__code="S1", min_quantity=500).update(
        unit_price="2.80"
    )

    answer = admin_api.post(f"/api/v1/change-quotes/{quote['id']}/submit/", SUBMIT, format="json")

    assert answer.status_code == 409
    assert answer.json()["error"]["message"].startswith("The contracted prices have changed")
    reread = admin_api.get(f"/api/v1/change-quotes/{quote['id']}/").json()
    assert reread["summary"][0]["unit_price"] == "2.8000"
    assert reread["status"] == "quote"


def test_a_pending_downsell_is_cancelled_through_the_api(admin_api, fabrikam):
    quote = save(admin_api, fabrikam, seats=200).json()
    change = admin_api.post(
        f"/api/v1/change-quotes/{quote['id']}/submit/", SUBMIT, format="json"
    ).json()
    version = change["agreement"]

    url = f"/api/v1/customers/{fabrikam.pk}/agreements/{version['id']}/cancel-downsell/"
    cancelled = admin_api.post(url, format="json")
    twice = admin_api.post(url, format="json")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert twice.status_code == 409
    assert twice.json()["error"]["message"].startswith("The downsell was not cancelled.")
    customer = admin_api.get(f"/api/v1/customers/{fabrikam.pk}/").json()
    assert customer["agreement_in_effect"]["version"] == 1
    assert customer["change_options"]["enabled"] is True
