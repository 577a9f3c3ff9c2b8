import pytest
from django.urls import reverse

from portal.companies.models import Company
from portal.core.history import history_for
from portal.core.models import HistoryEntry
from tests.fixtures.factories import make_company


@pytest.fixture
def northwind(acme, acme_admin):
    return make_company(
        acme,
        "Northwind Traders",
        domain="northwind.example",
        permitted_users=100,
        implementation_lead=acme_admin,
        sector="retail",
    )


def edit_data(company, **changes):
    data = {
        "company_type": company.company_type,
        "name": company.name,
        "domain": company.domain,
        "website": "",
        "sector": company.sector,
        "implementation_lead": company.implementation_lead_id,
        "secondary_contact": "",
        "expected_provision_date": "",
        "permitted_users": company.permitted_users,
    }
    data.update(changes)
    return data


def test_editing_writes_history_with_the_changed_fields(client, acme_sales, northwind, dns_down):
    client.force_login(acme_sales)

    response = client.post(
        reverse("prospects:edit", args=[northwind.pk]),
        edit_data(northwind, permitted_users=120, name="Northwind Traders Ltd"),
    )

    assert response.status_code == 302
    entry = history_for(northwind).get(action=HistoryEntry.Action.UPDATE)
    assert entry.changes == {
        "Company name": ["Northwind Traders", "Northwind Traders Ltd"],
        "Permitted users": [100, 120],
    }
    page = client.get(reverse("companies:detail", args=[northwind.pk])).content.decode()
    assert "Changed company name, permitted users" in page


def test_saving_unchanged_writes_no_history(client, acme_sales, northwind, dns_down):
    client.force_login(acme_sales)

    client.post(reverse("prospects:edit", args=[northwind.pk]), edit_data(northwind))

    assert not history_for(northwind).exists()


def test_outsider_cannot_open_or_change_the_prospect(client, outsider, northwind):
    client.force_login(outsider)

    assert client.get(reverse("prospects:edit", args=[northwind.pk])).status_code == 404
    response = client.post(
        reverse("prospects:edit", args=[northwind.pk]), edit_data(northwind, name="Stolen")
    )
    assert response.status_code == 404
    assert client.post(reverse("prospects:delete", args=[northwind.pk])).status_code == 404
    northwind.refresh_from_db()
    assert northwind.name == "Northwind Traders"


def test_customer_is_not_edited_as_a_prospect(client, acme, acme_sales):
    customer = make_company(acme, "Fabrikam", status=Company.Status.COMPLETE)
    client.force_login(acme_sales)

    assert client.get(reverse("prospects:edit", args=[customer.pk])).status_code == 404


def test_admin_deletes_a_prospect_after_confirming_and_history_keeps_it(
    client, acme_admin, northwind
):
    client.force_login(acme_admin)

    confirm = client.get(reverse("prospects:delete", args=[northwind.pk]))
    response = client.post(reverse("prospects:delete", args=[northwind.pk]))

    assert b"Delete Northwind Traders?" in confirm.content
    assert response.status_code == 302
    assert not Company.objects.filter(pk=northwind.pk).exists()
    entry = HistoryEntry.objects.get(action=HistoryEntry.Action.DELETE)
    assert (entry.object_repr, entry.actor) == ("Northwind Traders", acme_admin)


def test_sales_cannot_delete_a_prospect(client, acme_sales, northwind):
    client.force_login(acme_sales)

    assert client.post(reverse("prospects:delete", args=[northwind.pk])).status_code == 404
    assert Company.objects.filter(pk=northwind.pk).exists()
