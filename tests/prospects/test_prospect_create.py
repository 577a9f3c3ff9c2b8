import datetime

import pytest
from django.urls import reverse

from portal.companies.models import Company
from portal.core.history import history_for
from tests.fixtures.factories import make_company, make_user


@pytest.fixture
def form_data(acme_admin, catalog, dns_down):
    def data(**changes):
        values = {
            "company_type": "end_customer",
            "name": "Northwind Traders",
            "domain": "northwind.example",
            "website": "northwind.example",
            "sector": "retail",
            "implementation_lead": acme_admin.pk,
            "secondary_contact": "",
            "expected_provision_date": (datetime.date.today() + datetime.timedelta(days=30)),
            "permitted_users": 250,
            "product_S1": "on",
            "product_A1": "on",
            "seats_A1": 20,
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value is not None}

    return data


@pytest.fixture
def create(client, acme_sales):
    client.force_login(acme_sales)

    def post(data):
        return client.post(reverse("prospects:create"), data)

    return post


def errors(response) -> dict:
    return {name: list(errs) for name, errs in response.context["form"].errors.items()}


def test_create_prospect_saves_it_with_products_and_history(create, form_data, acme, acme_sales):
    response = create(form_data())

    assert response.status_code == 302
    assert response.url == reverse("prospects:list")
    company = Company.objects.get(partner=acme, name="Northwind Traders")
    assert company.status == Company.Status.PROSPECT
    assert company.website == "https://northwind.example"
    assert company.lead_name == "admin@acme.test"
    assert {(p.product.code, p.seats) for p in company.products.all()} == {("S1", None), ("A1", 20)}
    [entry] = history_for(company)
    assert (entry.actor, entry.summary) == (acme_sales, "Prospect created")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"domain": "bad_domain.example"}, "domain", "Use only letters, digits and hyphens"),
        ({"website": "http://"}, "website", "Enter a valid URL."),
        ({"permitted_users": 0}, "permitted_users", "greater than or equal to 1"),
        ({"permitted_users": 2_000_000}, "permitted_users", "less than or equal to 1000000"),
        ({"permitted_users": "12.5"}, "permitted_users", "Enter a whole number."),
        ({"seats_A1": 300}, "seats_A1", "At most the 250 permitted users."),
        ({"seats_A1": ""}, "seats_A1", "Enter the seats for Mac Client."),
        (
            {"expected_provision_date": datetime.date(2020, 1, 1)},
            "expected_provision_date",
            "cannot be in the past",
        ),
        ({"implementation_lead": ""}, "implementation_lead", "This field is required."),
    ],
)
def test_bad_input_is_told_next_to_its_field_and_nothing_is_saved(
    create, form_data, changes, field, message
):
    response = create(form_data(**changes))

    assert response.status_code == 200
    assert any(message in error for error in errors(response)[field])
    assert not Company.objects.exists()


def test_company_name_is_unique_within_the_msp_ignoring_case(create, form_data, acme, globex):
    make_company(acme, "NORTHWIND traders", domain="other.example")
    make_company(globex, "Fabrikam", domain="fabrikam.example")

    assert "already have a company" in errors(create(form_data()))["name"][0]
    assert create(form_data(name="Fabrikam")).status_code == 302  # another MSP's name is free


def test_domain_held_by_another_msp_is_a_channel_conflict_without_its_name(
    create, form_data, globex
):
    make_company(globex, "Hooli", domain="northwind.example")

    [message] = errors(create(form_data(domain="WWW.Northwind.Example")))["domain"]

    assert message.startswith("Channel conflict")
    assert "Globex" not in message and "Hooli" not in message


def test_lead_must_be_a_flagged_user_of_the_same_msp(create, form_data, acme, acme_sales, outsider):
    not_a_lead = acme_sales
    for user in (not_a_lead, outsider):
        assert "implementation_lead" in errors(create(form_data(implementation_lead=user.pk)))


def test_deactivated_lead_cannot_be_picked(create, form_data, acme):
    gone = make_user(acme, lead=True, is_active=False)

    assert "implementation_lead" in errors(create(form_data(implementation_lead=gone.pk)))


def test_secondary_contact_must_differ_from_the_lead(create, form_data, acme_admin):
    response = create(form_data(secondary_contact=acme_admin.pk))

    assert "Choose someone other" in errors(response)["secondary_contact"][0]


def test_abbreviated_name_is_warned_about_but_saved(client, create, form_data):
    response = create(form_data(name="NWT"))

    assert response.status_code == 302
    assert Company.objects.filter(name="NWT").exists()
    messages = [str(m) for m in client.get(response.url).context["messages"]]
    assert any("looks like an abbreviation" in m for m in messages)


def test_verify_without_javascript_shows_the_check_and_saves_nothing(create, form_data):
    response = create(form_data(verify="1"))

    assert response.status_code == 200
    assert "could not check northwind.example" in response.content.decode()
    assert not Company.objects.exists()


def test_form_offers_only_the_msps_own_leads(client, acme_sales, acme_admin, outsider, catalog):
    client.force_login(acme_sales)

    html = client.get(reverse("prospects:create")).content.decode()

    assert acme_admin.email in html
    assert outsider.email not in html
    assert 'for="id_seats_A1"' in html and 'type="date"' in html
