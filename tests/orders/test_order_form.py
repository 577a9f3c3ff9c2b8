"""Review Order: the form, its live totals, and every refusal (nothing is saved by one)."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.catalog.selectors import price_table_for
from portal.companies.models import Agreement, Company
from portal.demo.data import load_demo_data
from portal.orders.models import Order, Question
from portal.pricing import price_order
from tests.fixtures.factories import make_company

from .conftest import complete_order


def text(response) -> str:
    return response.content.decode()


def test_review_order_fills_in_the_agreement_section_from_contracted_prices(
    client, acme_admin, prospect, order_url
):
    client.force_login(acme_admin)

    html = text(client.get(order_url))

    assert "Acme IT Services" in html and "Contoso Pharmaceuticals" in html
    assert "Total Monthly Fees" in html and "USD 2,011.90" in html  # 682 × 2.95
    assert "Total Initial Fees" in html
    for heading in ("Infrastructure Information", "Order Details", "Submit Order"):
        assert heading in html
    assert "Not Known" in html and "Other" in html


@pytest.mark.parametrize(
    "quantities",
    [
        {"S1": 682},
        {"S1": 700, "C1": 700},
        {"S2": 240, "A1": 12, "A3": 240, "OB1": 240},
        {"S1": 1000, "C1": 1000, "OB1": 1000},
    ],
)
def test_live_totals_equal_the_pricing_engine(client, acme, acme_admin, prospect, quantities):
    client.force_login(acme_admin)
    users = max(quantities.values())
    data = {"permitted_users": users, **{f"product_{code}": "on" for code in quantities}}
    if "A1" in quantities:
        data["seats_A1"] = quantities["A1"]
        quantities = {**quantities}
    expected = price_order(
        price_table_for(partner=acme),
        {code: quantities["A1"] if code == "A1" else users for code in quantities},
    ).totals

    html = text(client.post(reverse("orders:quote", args=[prospect.pk]), data))

    for total in (expected.monthly, expected.annual, expected.one_time, expected.initial):
        assert f"USD {total.amount:,.2f}" in html
    assert expected.initial.amount == (
        expected.monthly.amount + expected.annual.amount + expected.one_time.amount
    )


@pytest.mark.django_db(transaction=True)
def test_totals_equal_the_pricing_engine_for_the_demo_catalog(client, infrastructure_choices):
    load_demo_data()
    admin = User.objects.get(email="admin@acme-msp.example")
    acme = admin.partner
    prospect = Company.objects.filter(partner=acme, status=Company.Status.PROSPECT).first()
    client.force_login(admin)
    table = price_table_for(partner=acme)
    for codes in (["S1"], ["S1", "C1", "A2", "A3", "OB1"], ["S2", "A1", "C1"]):
        for users in (1, 249, 250, 499, 500, 999, 1000, 4321):
            data = {"permitted_users": users, **{f"product_{code}": "on" for code in codes}}
            data["seats_A1"] = 1
            quantities = {code: 1 if code == "A1" else users for code in codes}
            totals = price_order(table, quantities).totals

            html = text(client.post(reverse("orders:quote", args=[prospect.pk]), data))

            for label, money in (
                ("Total Monthly Fees", totals.monthly),
                ("Total Annual Fees", totals.annual),
                ("Total One Time (Up Front) Fees", totals.one_time),
                ("Total Initial Fees", totals.initial),
            ):
                shown = html.split(f"<dt>{label}</dt>")[1].split("</dd>")[0]
                assert f"USD {money.amount:,.2f}" in shown, (codes, users, label)


def test_live_totals_say_why_a_choice_cannot_be_priced(client, acme_admin, prospect):
    client.force_login(acme_admin)
    url = reverse("orders:quote", args=[prospect.pk])

    html = text(client.post(url, {"permitted_users": 10, "product_S1": "on", "product_S2": "on"}))

    assert "S2 replaces S1: choose one of them." in html
    assert "USD" not in html.split("Total Monthly Fees")[1].split("</dd>")[0]


def test_choosing_a_server_os_offers_its_editions(client, acme_admin):
    client.force_login(acme_admin)

    html = text(client.get(reverse("orders:editions"), {"server_os": "Linux"}))

    assert "Debian 12" in html and "2022 Standard" not in html
    assert "Not Known" in html and "Other" in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"product_S1": None}, None, "Choose at least one primary product."),
        ({"product_S2": "on"}, None, "S2 replaces S1: choose one of them."),
        ({"product_S1": None, "product_A1": "on", "seats_A1": "5"}, None, "primary product"),
        ({"product_A1": "on"}, "seats_A1", "Enter the seats for Mac Client."),
        ({"product_A1": "on", "seats_A1": "900"}, "seats_A1", "At most the 682 permitted users."),
        ({"permitted_users": "0"}, "permitted_users", "greater than or equal to 1"),
        ({"order_number": ""}, "order_number", "or tick Order Number Not Required"),
        ({"order_number_not_required": "on"}, "order_number", "not both"),
        ({"accept_msa": None}, "accept_msa", "Tick this box to confirm"),
        ({"accept_authority": None}, "accept_authority", "Tick this box to confirm"),
        ({Question.MAIL_SERVER: ""}, Question.MAIL_SERVER, "This field is required."),
        ({Question.SERVER_OS_EDITION: "Debian 12"}, Question.SERVER_OS_EDITION, "valid choice"),
        ({Question.CITRIX: "Maybe"}, Question.CITRIX, "valid choice"),
        ({"permitted_users": "1000001"}, "permitted_users", "less than or equal to 1000000"),
        ({"idempotency_key": "not-a-key"}, "idempotency_key", "valid UUID"),
        ({"quoted_initial": "1999.00"}, None, "The totals have changed since they were shown"),
    ],
)
def test_an_incomplete_order_is_refused_with_the_reason_and_nothing_is_saved(
    submit, prospect, changes, field, message
):
    response = submit(**changes)

    assert response.status_code == 400
    form = response.context["form"]
    errors = form.non_field_errors() if field is None else form.errors[field]
    assert any(message in error for error in errors), errors
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT
    assert not Order.objects.exists() and not Agreement.objects.exists()


def test_what_was_typed_is_kept_when_the_order_is_refused(submit):
    response = submit(order_number="PO-77", accept_msa=None, **{Question.CITRIX: "Yes"})

    html = text(response)
    assert 'value="PO-77"' in html
    assert '<option value="Yes" selected>Yes</option>' in html


def test_save_prospect_and_exit_keeps_a_draft_that_review_order_restores(
    client, submit, prospect, order_url
):
    response = submit(
        save="1",
        submit=None,
        permitted_users="700",
        accept_msa=None,
        order_number="",
        **{Question.TWO_FACTOR: "", Question.ARCHIVE_SOLUTION: "Veritas Enterprise Vault"},
    )

    assert response.redirect_chain[-1][0] == reverse("prospects:list")
    prospect.refresh_from_db()
    assert prospect.status == Company.Status.PROSPECT
    assert prospect.permitted_users == 700
    order = Order.objects.get(company=prospect)
    assert order.status == Order.Status.DRAFT
    assert order.infrastructure[Question.ARCHIVE_SOLUTION] == "Veritas Enterprise Vault"
    assert Question.TWO_FACTOR not in order.infrastructure
    assert not Agreement.objects.exists()

    html = text(client.get(order_url))
    assert "Saved order" in html
    assert '<option value="Veritas Enterprise Vault" selected>' in html
    assert "USD 2,065.00" in html  # 700 × 2.95, the saved seat count


def test_review_order_of_another_msp_is_not_found(client, outsider, prospect, order_url):
    client.force_login(outsider)

    assert client.get(order_url).status_code == 404
    assert client.post(order_url, complete_order()).status_code == 404
    assert client.post(reverse("orders:quote", args=[prospect.pk]), {}).status_code == 404
    assert not Order.objects.exists()


def test_review_order_needs_a_login(client, order_url):
    response = client.get(order_url)

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_prospect_form_opens_review_order(client, acme_admin, prospect):
    client.force_login(acme_admin)
    data = {
        "company_type": prospect.company_type,
        "name": prospect.name,
        "domain": prospect.domain,
        "sector": prospect.sector,
        "implementation_lead": acme_admin.pk,
        "permitted_users": 682,
        "product_S1": "on",
        "review_order": "1",
    }

    response = client.post(reverse("prospects:edit", args=[prospect.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("orders:review", args=[prospect.pk])


def test_a_customer_has_no_order_form_any_more(client, acme, acme_admin):
    client.force_login(acme_admin)
    customer = make_company(acme, "Already Ordered", status=Company.Status.IN_PROGRESS)

    response = client.get(reverse("orders:review", args=[customer.pk]), follow=True)

    assert response.redirect_chain == [(reverse("companies:detail", args=[customer.pk]), 302)]
    assert "Already Ordered is a customer already." in response.content.decode()


def test_an_implementation_lead_of_another_msp_is_refused(submit, outsider, acme_sales):
    for user in (outsider, acme_sales):  # another MSP's lead; a user without the lead option
        response = submit(implementation_lead=str(user.pk))

        assert response.status_code == 400
        assert "Select a valid choice" in response.context["form"].errors["implementation_lead"][0]
    assert not Order.objects.exists()


def test_a_product_without_a_contracted_price_is_refused(submit, acme, catalog):
    from portal.catalog.models import ContractedPrice

    ContractedPrice.objects.filter(partner=acme, product=catalog["C1"]).delete()

    response = submit(product_C1="on")

    assert "C1 has no contracted price for 682: ask the vendor." in response.content.decode()
    assert not Order.objects.exists()


def test_a_draft_with_a_number_and_not_required_is_refused_too(submit, prospect):
    response = submit(save="1", submit=None, order_number_not_required="on")

    assert response.status_code == 400
    assert "not both" in response.context["form"].errors["order_number"][0]
    assert not Order.objects.exists()


def test_a_saved_answer_no_longer_offered_is_kept(client, acme_admin, prospect, order_url):
    from portal.orders.models import InfrastructureChoice

    Order.objects.create(company=prospect, infrastructure={Question.MAIL_SERVER: "Zimbra"})
    InfrastructureChoice.objects.filter(label="Zimbra").update(is_active=False)
    client.force_login(acme_admin)

    html = text(client.get(order_url))

    assert '<option value="Zimbra" selected>Zimbra</option>' in html


def test_staff_cannot_add_not_known_or_other_as_an_answer():
    from django.core.exceptions import ValidationError

    from portal.orders.models import InfrastructureChoice

    with pytest.raises(ValidationError, match="always offered"):
        InfrastructureChoice(question=Question.MAIL_SERVER, label="other").full_clean()
