"""An MSP's Admin requires two-step verification for all the MSP's users (Users page)."""

from django.urls import reverse

from portal.accounts.models import SecurityEvent
from tests.fixtures.factories import give_authenticator, totp_code

from .conftest import sign_in_with_password


def test_an_admin_requires_it_on_the_users_page_and_it_is_logged(client, acme, acme_admin):
    client.force_login(acme_admin)

    response = client.post(reverse("users:two_step"), {"require_two_step": "on"}, follow=True)

    acme.refresh_from_db()
    assert acme.require_two_step
    assert "now required for all users of Acme IT Services" in response.content.decode()
    event = SecurityEvent.objects.get(kind="two_step_required_changed")
    assert (event.partner, event.actor) == (acme, acme_admin)
    assert event.detail == "required for all users"


def test_a_user_without_a_device_is_sent_to_set_it_up_and_then_may_go_on(
    client, acme, acme_sales, clock
):
    acme.require_two_step = True
    acme.save()

    sign_in_with_password(client, acme_sales)
    page = client.get("/prospects/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("two_step_manage"))
    assert "requires two-step verification" in client.get(page["Location"]).content.decode()
    assert client.get("/profile/").status_code == 302

    client.post(reverse("two_step_authenticator_start"), {"next": "/prospects/"})
    device = acme_sales.totpdevice_set.get()
    codes_page = client.post(
        reverse("two_step_authenticator"), {"code": totp_code(device), "next": "/prospects/"}
    )
    assert 'href="/prospects/"' in codes_page.content.decode()
    assert client.get("/prospects/").status_code == 200


def test_users_with_it_are_not_asked_to_set_it_up_again(client, acme, acme_sales, clock):
    acme.require_two_step = True
    acme.save()
    device = give_authenticator(acme_sales)

    sign_in_with_password(client, acme_sales)
    page = client.get("/")
    assert page["Location"].startswith(reverse("two_step_verify"))
    client.post(reverse("two_step_verify"), {"code": totp_code(device)})
    assert client.get("/").status_code == 200


def test_while_required_it_cannot_be_turned_off(client, acme, acme_sales, clock):
    device = give_authenticator(acme_sales)
    acme.require_two_step = True
    acme.save()
    client.force_login(acme_sales)

    page = client.post(reverse("two_step_off"), {"off-code": totp_code(device)})

    assert page.status_code == 400
    assert "requires two-step verification for all its users" in page.content.decode()
    assert acme_sales.totpdevice_set.filter(confirmed=True).exists()


def test_the_users_list_shows_who_has_it_on(client, acme_admin, acme_sales):
    give_authenticator(acme_sales)
    client.force_login(acme_admin)

    rows = client.get(reverse("users:list")).content.decode().split("<tr>")

    [sales_row] = [row for row in rows if f"<td>{acme_sales.email}</td>" in row]
    [admin_row] = [row for row in rows if f"<td>{acme_admin.email}</td>" in row]
    assert ">On</span>" in sales_row
    assert ">On</span>" not in admin_row


def test_only_an_admin_of_the_msp_sets_the_rule_and_only_for_their_own_msp(
    client, acme, acme_sales, outsider, staff
):
    for who in [acme_sales, staff]:
        client.force_login(who)
        response = client.post(reverse("users:two_step"), {"require_two_step": "on"})
        assert response.status_code == 404

    client.force_login(outsider)
    client.post(reverse("users:two_step"), {"require_two_step": "on"})

    acme.refresh_from_db()
    outsider.partner.refresh_from_db()
    assert (acme.require_two_step, outsider.partner.require_two_step) == (False, True)
