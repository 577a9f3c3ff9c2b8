"""Editing a user: name, role and the MSP Implementation Lead flag, with history."""

from django.urls import reverse

from portal.accounts.models import User
from portal.core.history import history_for
from portal.core.models import HistoryEntry
from tests.fixtures.factories import make_user


def edit(client, member, **changes):
    data = {
        "full_name": member.full_name,
        "role": member.role,
        "is_implementation_lead": "on" if member.is_implementation_lead else "",
    }
    data.update(changes)
    return client.post(reverse("users:edit", args=[member.pk]), data)


def test_edit_page_shows_the_user_with_labelled_inputs(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    page = client.get(reverse("users:edit", args=[acme_sales.pk])).content.decode()

    assert "sales@acme.test" in page
    assert '<label for="id_full_name">' in page
    assert '<label for="id_role">' in page
    assert 'for="id_is_implementation_lead"' in page
    assert "Deactivate user" in page


def test_admin_changes_role_and_lead_flag_with_history_of_the_changes(
    client, acme, acme_admin, acme_sales
):
    client.force_login(acme_admin)

    response = edit(
        client, acme_sales, role="admin", is_implementation_lead="on", full_name="Sam Sales"
    )

    assert response.status_code == 302
    acme_sales.refresh_from_db()
    assert acme_sales.role == User.Role.ADMIN
    assert acme_sales.is_implementation_lead
    entry = history_for(acme_sales).get()
    assert entry.action == HistoryEntry.Action.UPDATE
    assert entry.partner == acme
    assert entry.actor == acme_admin
    assert entry.changes == {
        "Full name": ["", "Sam Sales"],
        "Role": ["Sales", "Admin"],
        "MSP Implementation Lead": ["No", "Yes"],
    }
    assert entry.summary == "Changed full name, role, MSP Implementation Lead"
    page = client.get(reverse("users:edit", args=[acme_sales.pk])).content.decode()
    assert "Changed full name, role, MSP Implementation Lead" in page


def test_saving_unchanged_writes_no_history(client, acme_admin, acme_sales):
    acme_sales.full_name = "Sam Sales"
    acme_sales.save()
    client.force_login(acme_admin)

    edit(client, acme_sales)

    assert not history_for(acme_sales).exists()


def test_flash_message_after_saving(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = edit(client, acme_sales, full_name="Sam Sales")
    page = client.get(response.url).content.decode()

    assert "Saved Sam Sales." in page


def test_the_last_admin_cannot_be_demoted_and_is_told_next_to_the_role(
    client, acme, acme_admin, acme_sales
):
    client.force_login(acme_admin)

    response = edit(client, acme_admin, role="sales")

    assert response.status_code == 200
    assert (
        "is the last active Admin of Acme IT Services" in response.context["form"].errors["role"][0]
    )
    page = response.content.decode()
    role_field = page[page.index('<label for="id_role">') :].split("</div>\n</div>")[0]
    assert "last active Admin" in role_field
    acme_admin.refresh_from_db()
    assert acme_admin.role == User.Role.ADMIN
    assert not history_for(acme_admin).exists()


def test_an_admin_can_be_demoted_while_another_remains(client, acme, acme_admin):
    other = make_user(acme, role=User.Role.ADMIN, email="other@acme.test")
    client.force_login(acme_admin)

    response = edit(client, other, role="sales")

    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == User.Role.SALES


def test_a_deactivated_admin_does_not_count_as_the_other_admin(client, acme, acme_admin):
    make_user(acme, role=User.Role.ADMIN, email="gone@acme.test", is_active=False)
    client.force_login(acme_admin)

    response = edit(client, acme_admin, role="sales")

    assert response.status_code == 200
    assert "role" in response.context["form"].errors


def test_an_admin_who_demotes_themselves_is_sent_home(client, acme, acme_admin):
    make_user(acme, role=User.Role.ADMIN, email="other@acme.test")
    client.force_login(acme_admin)

    response = edit(client, acme_admin, role="sales")

    assert response.url == reverse("home")
    assert client.get(reverse("users:list")).status_code == 404


def test_unknown_role_is_refused(client, acme_admin, acme_sales):
    client.force_login(acme_admin)

    response = edit(client, acme_sales, role="owner")

    assert "role" in response.context["form"].errors
