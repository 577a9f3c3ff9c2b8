"""Contacts of a customer (and of a prospect): add, edit, remove on its page, checked, each in
the History Log, at most 50."""

import pytest
from django.urls import reverse

from portal.companies import contacts
from portal.companies.models import Company, CustomerContact
from portal.core.history import history_for
from tests.fixtures.factories import make_company


@pytest.fixture
def customer(acme, acme_admin):
    return make_company(
        acme,
        "Contoso Pharmaceuticals",
        status=Company.Status.COMPLETE,
        implementation_lead=acme_admin,
    )


@pytest.fixture
def jane(customer, acme_admin):
    return contacts.contact_add(
        company=customer,
        actor=acme_admin,
        name="Jane Doe",
        role="IT Manager",
        email="jane@contoso.example",
        phone="+1 555 0100",
    )


def add(client, company, **fields):
    data = {"contact-name": "", "contact-role": "", "contact-email": "", "contact-phone": ""}
    data.update({f"contact-{k}": v for k, v in fields.items()})
    return client.post(reverse("companies:contact_add", args=[company.pk]), data)


def test_adding_a_contact_shows_it_on_the_page_and_in_the_history_log(client, acme_sales, customer):
    client.force_login(acme_sales)

    response = add(
        client,
        customer,
        name="  Jane  Doe ",
        role="CTO",
        email="Jane@Contoso.example",
        phone="+44 (0)20 7946-0958",
    )

    assert response.status_code == 302
    assert response.url.endswith("#contacts")
    contact = CustomerContact.objects.get(company=customer)
    assert (contact.name, contact.email) == ("Jane Doe", "jane@contoso.example")
    page = client.get(reverse("companies:detail", args=[customer.pk])).content.decode()
    assert "Jane Doe" in page and "mailto:jane@contoso.example" in page
    assert "Contact added: Jane Doe (CTO)" in page
    entry = history_for(customer).get()
    assert entry.actor == acme_sales


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "", "email": "a@b.example"}, "name", "Enter the contact's name."),
        ({"name": "Jane", "email": "not-an-address"}, "email", "Enter a valid e-mail address."),
        ({"name": "Jane", "phone": "call me maybe"}, "phone", "Enter a phone number"),
        ({"name": "Jane", "phone": "+1"}, "phone", "at least 3 digits"),
        ({"name": "J" * 151}, "name", "At most 150 characters"),
        ({"name": "Jane", "role": "R" * 101}, "role", "At most 100 characters"),
        ({"name": "Jane\x00"}, "name", "U+0000"),
    ],
)
def test_a_bad_contact_is_refused_next_to_the_field_and_nothing_is_saved(
    client, acme_sales, customer, fields, field, message
):
    client.force_login(acme_sales)

    response = add(client, customer, **fields)

    assert response.status_code == 200
    assert message in " ".join(response.context["contact_form"].errors[field])
    assert b'id="contacts"' in response.content
    assert not CustomerContact.objects.exists()
    assert not history_for(customer).exists()


def test_phone_numbers_as_people_write_them_are_taken():
    for phone in ("+1 (555) 010-0100", "020 7946 0958 ext. 12", "555.0100", "+49 30/1234567"):
        assert contacts.contact_errors(name="J", role="", email="", phone=phone) == {}, phone


def test_the_fifty_first_contact_is_refused_with_a_clear_message(client, acme_sales, customer):
    CustomerContact.objects.bulk_create(
        CustomerContact(company=customer, name=f"Person {n}") for n in range(contacts.MAX_CONTACTS)
    )
    client.force_login(acme_sales)

    response = add(client, customer, name="One Too Many")

    assert response.status_code == 200
    assert "A customer has at most 50 contacts: remove one" in response.content.decode()
    assert customer.contacts.count() == contacts.MAX_CONTACTS


def test_editing_a_contact_saves_it_and_logs_old_and_new(client, acme_sales, customer, jane):
    client.force_login(acme_sales)
    url = reverse("companies:contact_edit", args=[customer.pk, jane.pk])
    assert b"Edit Contact" in client.get(url).content

    response = client.post(
        url,
        {
            "edit-name": "Jane Doe",
            "edit-role": "CIO",
            "edit-email": "jane@contoso.example",
            "edit-phone": "+1 555 0100",
        },
    )

    assert response.status_code == 302
    jane.refresh_from_db()
    assert jane.role == "CIO"
    entry = history_for(customer).first()
    assert entry.summary == "Contact changed: Jane Doe"
    assert entry.changes == {"Role": ["IT Manager", "CIO"]}


def test_editing_with_a_bad_e_mail_keeps_the_contact(client, acme_sales, customer, jane):
    client.force_login(acme_sales)
    url = reverse("companies:contact_edit", args=[customer.pk, jane.pk])

    response = client.post(url, {"edit-name": "Jane Doe", "edit-email": "jane@"})

    assert response.status_code == 200
    assert "Enter a valid e-mail address." in response.content.decode()
    jane.refresh_from_db()
    assert jane.email == "jane@contoso.example"


def test_removing_a_contact_logs_it(client, acme_sales, customer, jane):
    client.force_login(acme_sales)

    response = client.post(reverse("companies:contact_remove", args=[customer.pk, jane.pk]))

    assert response.status_code == 302
    assert not CustomerContact.objects.exists()
    assert history_for(customer).first().summary == "Contact removed: Jane Doe (IT Manager)"


def test_htmx_add_answers_with_the_page_whose_contacts_section_it_swaps(
    client, acme_sales, customer
):
    client.force_login(acme_sales)

    response = client.post(
        reverse("companies:contact_add", args=[customer.pk]),
        {"contact-name": "Jane Doe", "contact-email": "jane@contoso.example"},
        headers={"HX-Request": "true"},
        follow=True,
    )

    assert response.status_code == 200
    assert b'id="contacts"' in response.content and b"Jane Doe" in response.content


def test_a_prospect_has_contacts_too(client, acme_sales, acme):
    prospect = make_company(acme, "Tailspin Toys")
    client.force_login(acme_sales)

    add(client, prospect, name="Tom Tail", phone="555 0199")

    assert prospect.contacts.get().name == "Tom Tail"


def test_another_msps_contact_is_404_and_unchanged(client, outsider, customer, jane):
    client.force_login(outsider)

    assert (
        client.get(reverse("companies:contact_edit", args=[customer.pk, jane.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("companies:contact_remove", args=[customer.pk, jane.pk])).status_code
        == 404
    )
    assert add(client, customer, name="Mallory").status_code == 404
    assert CustomerContact.objects.get() == jane


def test_a_contact_through_another_company_of_the_same_msp_is_404(client, acme_sales, acme, jane):
    other = make_company(acme, "Fabrikam")
    client.force_login(acme_sales)

    assert (
        client.get(reverse("companies:contact_edit", args=[other.pk, jane.pk])).status_code == 404
    )
