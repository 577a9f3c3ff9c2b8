"""A PSA tool's script, using nothing but the API: a new prospect, its order submitted, the
vendor's sync, then an upsell from 682 to 700 seats — with the screens' figures."""

import re

import pytest
from django.test import Client

from portal.sync.models import ProvisioningRequest
from tests.fixtures.sync import SECRET, answer_rfi
from tests.sync.test_callback import confirmation
from tests.sync.test_callback import post as vendor_callback

INFRASTRUCTURE = {
    "mail_server": "Not Known",
    "archive_solution": "Not Known",
    "security_msp": "Other",
    "security_on_premise": "Not Known",
    "continuity": "Not Known",
    "citrix": "Not Known",
    "server_os": "Not Known",
    "server_os_edition": "Not Known",
    "ad_environment": "Not Known",
    "two_factor": "Not Known",
}


@pytest.fixture(autouse=True)
def _vendor(settings, infrastructure_choices):
    settings.SYNC_SECRET = SECRET


def money_on(html: str, label: str) -> str:
    """The amount shown after ``label`` on a screen (e.g. "Total Initial Fees")."""
    text = re.sub(r"<[^>]+>", " ", html)
    match = re.search(re.escape(label) + r"\s+(?:USD\s+)?([\d,]+\.\d\d)", text)
    assert match, f"{label} not on the screen"
    return match.group(1).replace(",", "")


def test_a_script_goes_from_a_new_prospect_to_a_synced_order_and_an_upsell(
    admin_api,
    acme_admin,
    catalog,
    price_list,
):
    screen = Client()
    screen.force_login(acme_admin)

    # given: a new prospect, created through the API
    created = admin_api.post(
        "/api/v1/prospects/",
        {
            "company_type": "end_customer",
            "name": "Woodgrove Bank",
            "domain": "woodgrove.example",
            "sector": "finance",
            "implementation_lead": acme_admin.pk,
            "permitted_users": 682,
            "products": [{"code": "S1"}],
        },
        format="json",
        headers={"Idempotency-Key": "create-woodgrove"},
    )
    assert created.status_code == 201, created.json()
    prospect = created.json()
    assert prospect["status"] == "prospect"
    assert prospect["products"] == [{"code": "S1", "name": catalog["S1"].name, "seats": None}]

    # when: the order is priced — the same totals as the Review Order screen
    preview = admin_api.post(
        f"/api/v1/prospects/{prospect['id']}/order/preview/", {}, format="json"
    ).json()
    assert preview["lines"] == [
        {
            "code": "S1",
            "name": catalog["S1"].name,
            "term": "monthly",
            "charge": "per_seat",
            "quantity": 682,
            "unit_price": "2.9500",
            "payment": "2011.90",
        }
    ]
    assert preview["totals"]["monthly"] == preview["totals"]["initial"] == "2011.90"
    order_page = screen.get(f"/orders/{prospect['id']}/").content.decode()
    assert money_on(order_page, "Total Initial Fees") == preview["totals"]["initial"]

    # ... and submitted
    submitted = admin_api.post(
        f"/api/v1/prospects/{prospect['id']}/order/submit/",
        {
            "infrastructure": INFRASTRUCTURE,
            "order_number": "PO-API-1",
            "accept_msa": True,
            "accept_authority": True,
            "quoted_initial": preview["totals"]["initial"],
        },
        format="json",
        headers={"Idempotency-Key": "submit-woodgrove"},
    )
    assert submitted.status_code == 201, submitted.json()
    order = submitted.json()
    assert order["customer"]["status"] == "in_progress"
    assert order["agreement"]["status"] == "new_pending"
    assert order["agreement"]["totals"]["initial"] == "2011.90"
    in_progress = admin_api.get("/api/v1/customers/", {"status": "in_progress"}).json()
    assert [row["id"] for row in in_progress["results"]] == [prospect["id"]]

    # then: the order waits for the Request for Information e-mailed to the lead
    request = ProvisioningRequest.objects.get(company_id=prospect["id"])
    customer = admin_api.get(f"/api/v1/customers/{prospect['id']}/").json()
    assert customer["rfi"]["status"] == "not_answered"
    assert vendor_callback(screen, confirmation(request)).status_code == 409
    answer_rfi(request.company)
    customer = admin_api.get(f"/api/v1/customers/{prospect['id']}/").json()
    assert (customer["rfi"]["status"], customer["rfi"]["answers_version"]) == ("queued", 1)

    # then: the vendor confirms, and the customer is Complete with Change Options open
    assert vendor_callback(screen, confirmation(request)).status_code == 200
    customer = admin_api.get(f"/api/v1/customers/{prospect['id']}/").json()
    assert customer["status"] == "complete"
    assert (customer["rfi"]["status"], customer["rfi"]["editable"]) == ("confirmed", False)
    assert customer["change_options"]["enabled"] is True
    assert customer["agreement_in_effect"]["status"] == "active"

    # when: an upsell to 700 seats is previewed — the seed's figures, as on the screen
    upsell = admin_api.post(
        f"/api/v1/customers/{prospect['id']}/change-quotes/preview/",
        {"seats": 700},
        format="json",
    ).json()
    assert upsell["kind"] == "upsell"
    changes = [(x["code"], x["quantity"], x["unit_price"], x["payment"]) for x in upsell["changes"]]
    assert changes == [
        ("S1", -682, "2.9500", "-2011.90"),
        ("S1", 700, "2.9500", "2065.00"),
    ]
    assert upsell["new_totals"]["monthly"] == "2065.00"
    preview_html = screen.post(
        f"/changes/customers/{prospect['id']}/preview/",
        {"seats": "700", "implementation_lead": acme_admin.pk, "mode": "keep"},
    ).content.decode()
    assert "2,065.00" in preview_html and "-2,011.90" in preview_html.replace("−", "-")

    # ... saved and submitted
    quote = admin_api.post(
        f"/api/v1/customers/{prospect['id']}/change-quotes/",
        {"seats": 700},
        format="json",
        headers={"Idempotency-Key": "quote-woodgrove-700"},
    )
    assert quote.status_code == 201, quote.json()
    change = admin_api.post(
        f"/api/v1/change-quotes/{quote.json()['id']}/submit/",
        {"order_number_not_required": True, "accept_msa": True, "accept_authority": True},
        format="json",
        headers={"Idempotency-Key": "submit-woodgrove-700"},
    )
    assert change.status_code == 201, change.json()
    assert change.json()["status"] == "submitted"
    assert change.json()["agreement"]["status"] == "upsell_pending"
    assert change.json()["agreement"]["total_users"] == 700
    assert change.json()["new_totals"]["monthly"] == "2065.00"

    # then: Change Options waits for the vendor, as on the customer page
    customer = admin_api.get(f"/api/v1/customers/{prospect['id']}/").json()
    assert customer["change_options"]["enabled"] is False
    assert "waiting to sync" in customer["change_options"]["reason"]
    agreements = admin_api.get(f"/api/v1/customers/{prospect['id']}/agreements/").json()
    assert [(a["version"], a["status"]) for a in agreements] == [
        (2, "upsell_pending"),
        (1, "active"),
    ]
