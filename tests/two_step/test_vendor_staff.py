"""Vendor staff always need two-step verification, in the console too."""

from django.urls import reverse

from tests.fixtures.factories import give_authenticator, make_user, totp_code

from .conftest import sign_in_with_password


def test_the_console_waits_for_the_second_step(client, staff, clock):
    [device] = staff.totpdevice_set.all()
    sign_in_with_password(client, staff, next_url="/admin/")

    page = client.get("/admin/accounts/partner/")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("two_step_verify"))

    client.post(reverse("two_step_verify"), {"code": totp_code(device)})
    assert client.get("/admin/accounts/partner/").status_code == 200


def test_staff_without_a_device_are_sent_to_set_one_up_first(client, db, clock):
    newcomer = make_user(None, email="new@vendor.test", is_superuser=True)

    sign_in_with_password(client, newcomer)
    page = client.get("/admin/")

    assert page["Location"].startswith(reverse("two_step_manage"))
    manage = client.get(page["Location"]).content.decode()
    assert "Vendor staff always use two-step verification" in manage
    assert "Set Up Authenticator App" in manage


def test_the_console_sign_in_page_is_the_portals(client, db):
    page = client.get("/admin/login/?next=/admin/sync/")

    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=/admin/sync/"


def test_a_password_posted_to_the_console_form_still_needs_the_second_step(client, staff, clock):
    from tests.fixtures.factories import PASSWORD

    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(reverse("two_step_verify"))


def test_staff_cannot_turn_it_off(client, db, clock):
    member = make_user(None, email="ops@vendor.test")
    device = give_authenticator(member)
    client.force_login(member)

    page = client.post(reverse("two_step_off"), {"off-code": totp_code(device)})

    assert page.status_code == 400
    assert member.totpdevice_set.filter(confirmed=True).exists()
