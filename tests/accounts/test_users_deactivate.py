"""Deactivating a user: no more logging in or being picked as lead; the history stays."""

from django.urls import reverse

from portal.accounts.models import User
from portal.accounts.selectors import implementation_leads_for
from portal.core.history import history_for
from portal.core.models import HistoryEntry
from tests.fixtures.factories import PASSWORD, make_user


def test_confirmation_page_comes_first(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = client.get(reverse("users:deactivate", args=[acme_sales.pk]))

    page = response.content.decode()
    assert "Deactivate sales@acme.test?" in page
    assert '<button type="submit" class="danger">Deactivate user</button>' in page
    acme_sales.refresh_from_db()
    assert acme_sales.is_active


def test_admin_deactivates_a_user_who_then_cannot_log_in(client, acme, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = client.post(reverse("users:deactivate", args=[acme_sales.pk]), follow=True)

    page = response.content.decode()
    assert "sales@acme.test deactivated. They can no longer log in" in page
    assert "Deactivated</span>" in page
    acme_sales.refresh_from_db()
    assert not acme_sales.is_active
    client.logout()
    client.post(reverse("login"), {"username": acme_sales.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_deactivated_users_open_session_ends(client, acme_admin, acme_sales):
    sales_client = client.__class__()
    sales_client.force_login(acme_sales)
    client.force_login(acme_admin)

    client.post(reverse("users:deactivate", args=[acme_sales.pk]))

    assert sales_client.get(reverse("home")).status_code == 302


def test_deactivation_is_in_the_history_and_the_user_stays_listed(
    client, acme, acme_admin, acme_sales
):
    client.force_login(acme_admin)

    client.post(reverse("users:deactivate", args=[acme_sales.pk]))

    entry = history_for(acme_sales).get()
    assert entry.action == HistoryEntry.Action.STATUS
    assert entry.partner == acme
    assert entry.changes == {"Status": ["Active", "Deactivated"]}
    assert acme_sales in client.get(reverse("users:list")).context["members"]


def test_a_deactivated_lead_cannot_be_picked_as_lead(client, acme, acme_admin):
    lead = make_user(acme, email="lead@acme.test", full_name="Lena Lead", lead=True)
    assert list(implementation_leads_for(acme)) == [acme_admin, lead]
    client.force_login(acme_admin)

    client.post(reverse("users:deactivate", args=[lead.pk]))

    assert list(implementation_leads_for(acme)) == [acme_admin]


def test_implementation_leads_are_the_partners_own_flagged_users_by_name(
    acme, acme_admin, outsider
):
    make_user(acme, email="b@acme.test", full_name="Bea", lead=True)
    make_user(acme, email="a@acme.test", full_name="Abe", lead=True)
    make_user(acme, email="c@acme.test", full_name="Cid", lead=False)

    names = [str(user) for user in implementation_leads_for(acme)]

    assert names == ["admin@acme.test", "Abe", "Bea"]


def test_the_last_admin_cannot_be_deactivated_and_the_page_says_why(client, acme_admin):
    client.force_login(acme_admin)

    confirm = client.get(reverse("users:deactivate", args=[acme_admin.pk])).content.decode()
    response = client.post(reverse("users:deactivate", args=[acme_admin.pk]))

    assert "is the last active Admin of Acme IT Services" in confirm
    assert '<button type="submit" class="danger" disabled>' in confirm
    assert response.status_code == 200
    assert "is the last active Admin of Acme IT Services" in response.content.decode()
    acme_admin.refresh_from_db()
    assert acme_admin.is_active
    assert not history_for(acme_admin).exists()


def test_an_admin_cannot_deactivate_themselves(client, acme, acme_admin):
    make_user(acme, role=User.Role.ADMIN, email="other@acme.test")
    client.force_login(acme_admin)

    response = client.post(reverse("users:deactivate", args=[acme_admin.pk]))

    assert "You cannot deactivate your own account" in response.content.decode()
    acme_admin.refresh_from_db()
    assert acme_admin.is_active


def test_admin_reactivates_a_user_with_history(client, acme_admin, acme_sales):
    acme_sales.is_active = False
    acme_sales.save()
    client.force_login(acme_admin)

    response = client.post(reverse("users:reactivate", args=[acme_sales.pk]), follow=True)

    assert "sales@acme.test reactivated." in response.content.decode()
    acme_sales.refresh_from_db()
    assert acme_sales.is_active
    assert history_for(acme_sales).get().changes == {"Status": ["Deactivated", "Active"]}
    client.logout()
    assert client.login(email=acme_sales.email, password=PASSWORD)
