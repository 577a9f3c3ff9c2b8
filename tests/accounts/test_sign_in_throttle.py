"""Failed sign-ins are throttled per account and per address, on both login pages."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.accounts.models import SecurityEvent
from portal.accounts.security import record
from tests.fixtures.factories import PASSWORD

LOGIN_PAGES = [pytest.param("login", id="portal"), pytest.param("admin:login", id="console")]


def _try(client, page, email, password, address="203.0.113.7"):
    return client.post(
        reverse(page), {"username": email, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_fifty_wrong_passwords_then_the_right_one_is_refused_with_when_to_try_again(
    client, staff, page
):
    statuses = [_try(client, page, staff.email, f"wrong-{n}").status_code for n in range(50)]

    response = _try(client, page, staff.email, PASSWORD)

    assert statuses[:9] == [200] * 9
    assert set(statuses[10:]) == {429}
    assert response.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_account_is_throttled_whatever_address_the_tries_come_from(client, acme_admin):
    for n in range(10):
        _try(Client(), "login", acme_admin.email, "wrong", address=f"198.51.100.{n}")

    response = _try(client, "login", "ADMIN@acme.test", PASSWORD, address="192.0.2.1")

    assert response.status_code == 429


def test_an_address_is_throttled_whichever_accounts_it_tries(client, acme_admin, acme_sales):
    for n in range(10):
        _try(client, "login", f"guess{n}@acme.test", "wrong")

    assert _try(client, "login", acme_sales.email, PASSWORD).status_code == 429


def test_the_wait_ends_after_the_lockout_minutes(client, acme_admin, time_machine):
    time_machine.move_to("2026-11-30 09:00:00+00:00", tick=False)
    for _ in range(10):
        _try(client, "login", acme_admin.email, "wrong")
    assert _try(client, "login", acme_admin.email, PASSWORD).status_code == 429

    time_machine.move_to("2026-11-30 09:16:00+00:00", tick=False)

    response = _try(client, "login", acme_admin.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(acme_admin.pk)


def test_an_attacker_cannot_lock_out_a_user_on_a_browser_they_signed_in_with(acme_admin):
    # given: the real user has signed in with this browser before
    own_browser = Client()
    assert _try(own_browser, "login", acme_admin.email, PASSWORD, "192.0.2.10").status_code == 302
    own_browser.post(reverse("logout"))

    # when: an attacker fails many times for that account from elsewhere
    for n in range(20):
        _try(Client(), "login", acme_admin.email, "wrong", address=f"198.51.100.{n}")

    # then: the user still signs in from their own browser; any other browser waits
    assert _try(Client(), "login", acme_admin.email, PASSWORD, "192.0.2.11").status_code == 429
    assert _try(own_browser, "login", acme_admin.email, PASSWORD, "192.0.2.10").status_code == 302


def test_a_forged_known_device_cookie_does_not_lift_the_lockout(client, acme_admin):
    for n in range(10):
        _try(Client(), "login", acme_admin.email, "wrong", address=f"198.51.100.{n}")
    client.cookies["portal_device"] = "admin@acme.test"

    assert _try(client, "login", acme_admin.email, PASSWORD).status_code == 429


def test_failures_and_the_lockout_are_in_the_msps_security_log(client, acme_admin):
    for _ in range(10):
        _try(client, "login", acme_admin.email, "wrong")

    kinds = list(
        SecurityEvent.objects.filter(partner=acme_admin.partner).values_list("kind", flat=True)
    )
    assert kinds.count(SecurityEvent.Kind.SIGN_IN_FAILED) == 10
    assert SecurityEvent.Kind.LOCKED_OUT in kinds
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED).first()
    assert event.ip == "203.0.113.7"
    assert event.user == acme_admin


def test_an_unknown_address_tried_is_logged_for_vendor_staff_only(client, acme_admin):
    _try(client, "login", "nobody@acme.test", "wrong")

    event = SecurityEvent.objects.get()
    assert event.partner is None
    assert event.email == "nobody@acme.test"


def test_what_an_attacker_typed_is_logged_without_control_characters_or_length(db):
    event = record(SecurityEvent.Kind.SIGN_IN_FAILED, email="x\x1b[31m" + "y" * 1000)

    assert event.email == "x\ufffd[31m" + "y" * 248
