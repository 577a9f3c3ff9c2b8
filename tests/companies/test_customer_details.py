"""Edit Details of a customer: website, sector, lead and secondary contact, outside Change
Options; checked like the prospect form, one History Log entry, and never a silent overwrite."""

import datetime

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.companies.details import ChangedSince, details_update
from portal.companies.models import Company
from portal.core.history import history_for
from tests.fixtures.factories import make_company, make_user


@pytest.fixture
def lead2(acme):
    return make_user(acme, role=User.Role.SALES, email="lead2@acme.test", lead=True)


@pytest.fixture
def customer(acme, acme_admin):
    return make_company(
        acme,
        "Contoso Pharmaceuticals",
        domain="contoso.example",
        status=Company.Status.COMPLETE,
        implementation_lead=acme_admin,
        sector="finance",
    )


def url(company) -> str:
    return reverse("companies:details_edit", args=[company.pk])


def form_data(company, **changes) -> dict:
    data = {
        "website": company.website,
        "sector": company.sector,
        "implementation_lead": company.implementation_lead_id or "",
        "secondary_contact": company.secondary_contact_id or "",
        "seen": company.updated_at.isoformat(),
    }
    return {**data, **changes}


def test_the_customer_page_offers_edit_details_to_sales_and_admins(client, acme_sales, customer):
    client.force_login(acme_sales)

    page = client.get(reverse("companies:detail", args=[customer.pk])).content.decode()

    assert "Edit Details" in page
    assert url(customer) in page


def test_a_prospect_has_edit_prospect_not_edit_details(client, acme_sales, acme):
    prospect = make_company(acme, "Tailspin Toys")
    client.force_login(acme_sales)

    page = client.get(reverse("companies:detail", args=[prospect.pk])).content.decode()

    assert "Edit Details" not in page
    assert client.get(url(prospect)).status_code == 404


def test_saving_changes_the_details_and_writes_one_history_entry_of_old_and_new(
    client, acme_sales, acme_admin, customer, lead2
):
    client.force_login(acme_sales)

    response = client.post(
        url(customer),
        form_data(
            customer,
            website="contoso.example",
            sector="healthcare",
            secondary_contact=lead2.pk,
        ),
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.website == "https://contoso.example"
    assert customer.sector == "healthcare"
    assert customer.secondary_contact == lead2
    entries = list(history_for(customer))
    assert len(entries) == 1
    assert entries[0].actor == acme_sales
    assert entries[0].changes == {
        "Website": ["", "https://contoso.example"],
        "Sector": ["Finance and insurance", "Healthcare"],
        "Secondary implementation contact": [None, str(lead2)],
    }


def test_the_history_log_on_the_page_shows_old_and_new(client, acme_sales, customer):
    client.force_login(acme_sales)
    client.post(url(customer), form_data(customer, sector="legal"))

    page = client.get(reverse("companies:detail", args=[customer.pk])).content.decode()

    assert "Changed sector" in page
    assert "<del>Finance and insurance</del> → <ins>Legal</ins>" in page


def test_saving_unchanged_details_writes_no_history(client, acme_sales, customer):
    client.force_login(acme_sales)

    client.post(url(customer), form_data(customer))

    assert not history_for(customer).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "not a web site"}, "website", "Enter a valid URL."),
        ({"implementation_lead": ""}, "implementation_lead", "This field is required."),
        ({"secondary_contact": "LEAD"}, "secondary_contact", "Choose someone other than"),
        ({"sector": "space"}, "sector", "Select a valid choice."),
    ],
)
def test_bad_details_are_refused_next_to_the_field_and_nothing_is_saved(
    client, acme_sales, customer, changes, field, message
):
    if changes.get("secondary_contact") == "LEAD":
        changes = {"secondary_contact": customer.implementation_lead_id}
    client.force_login(acme_sales)

    response = client.post(url(customer), form_data(customer, **changes))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    customer.refresh_from_db()
    assert customer.sector == "finance" and customer.website == ""
    assert not history_for(customer).exists()


def test_a_lead_of_another_msp_or_a_user_without_the_lead_flag_cannot_be_chosen(
    client, acme_sales, customer, outsider
):
    client.force_login(acme_sales)

    for person in (outsider, acme_sales):
        response = client.post(url(customer), form_data(customer, implementation_lead=person.pk))

        assert "implementation_lead" in response.context["form"].errors
    customer.refresh_from_db()
    assert customer.implementation_lead_id != outsider.pk


def test_a_lead_who_lost_the_flag_stays_while_other_details_change(
    client, acme_sales, acme_admin, customer
):
    User.objects.filter(pk=acme_admin.pk).update(is_implementation_lead=False)
    client.force_login(acme_sales)

    response = client.post(url(customer), form_data(customer, sector="retail"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.sector == "retail" and customer.implementation_lead == acme_admin


def test_a_nul_byte_in_the_website_is_refused_next_to_the_field(client, acme_sales, customer):
    client.force_login(acme_sales)

    response = client.post(url(customer), form_data(customer, website="contoso\x00.example"))

    assert response.status_code == 200
    assert "U+0000" in " ".join(response.context["form"].errors["website"])
    customer.refresh_from_db()
    assert customer.website == ""


def test_a_second_editor_is_told_who_changed_it_since_and_nothing_is_overwritten(
    client, acme_sales, acme_admin, customer
):
    opened = form_data(customer)  # both open Edit Details
    admin = client.__class__()
    admin.force_login(acme_admin)
    admin.post(url(customer), {**opened, "sector": "legal"})
    client.force_login(acme_sales)

    response = client.post(url(customer), {**opened, "sector": "retail"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "was changed by" in text and str(acme_admin) in text and "since you opened it" in text
    customer.refresh_from_db()
    assert customer.sector == "legal"
    # The form keeps the second editor's values; saving again replaces knowingly.
    form = response.context["form"]
    assert form["sector"].value() == "retail"
    again = client.post(url(customer), {**opened, "sector": "retail", "seen": form["seen"].value()})
    assert again.status_code == 302
    customer.refresh_from_db()
    assert customer.sector == "retail"


def test_the_service_refuses_a_stale_edit(customer, acme_sales):
    stale = customer.updated_at - datetime.timedelta(seconds=1)

    with pytest.raises(ChangedSince):
        details_update(company=customer, actor=acme_sales, seen=stale, sector="legal")

    customer.refresh_from_db()
    assert customer.sector == "finance"


def test_change_options_still_change_the_lead_after_edit_details(customer, acme_sales, lead2):
    """Change Options' submit sets the lead through company_update, which Edit Details uses
    too: the two keep one History Log format."""
    from portal.companies.services import company_update

    details_update(company=customer, actor=acme_sales, seen=customer.updated_at, sector="legal")
    company_update(company=customer, actor=acme_sales, implementation_lead=lead2)

    customer.refresh_from_db()
    assert customer.implementation_lead == lead2 and customer.lead_name == str(lead2)


def test_another_msp_and_vendor_staff_get_404(client, outsider, staff, customer):
    for user in (outsider, staff):
        client.force_login(user)

        assert client.get(url(customer)).status_code == 404
        assert client.post(url(customer), form_data(customer, sector="legal")).status_code == 404
    customer.refresh_from_db()
    assert customer.sector == "finance"
