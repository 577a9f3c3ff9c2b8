"""A user turns on two-step verification with an authenticator app, from the profile page."""

import re

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import SecurityEvent
from tests.fixtures.factories import totp_code


def start(client):
    client.post(reverse("two_step_authenticator_start"))
    return TOTPDevice.objects.get(confirmed=False)


def test_the_set_up_page_shows_a_qr_code_and_the_secret_to_type(client, acme_sales, clock):
    client.force_login(acme_sales)
    device = start(client)

    page = client.get(reverse("two_step_authenticator"))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    secret = re.search(r'id="secret-key"[^>]*value="([A-Z2-7 ]+)"', html).group(1)
    from base64 import b32decode

    assert b32decode(secret.replace(" ", "")) == device.bin_key


def test_a_code_from_the_app_turns_it_on_and_shows_recovery_codes_once(client, acme_sales, clock):
    client.force_login(acme_sales)
    device = start(client)

    page = client.post(reverse("two_step_authenticator"), {"code": totp_code(device)})

    device.refresh_from_db()
    assert device.confirmed
    assert page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(codes) == 10
    assert "shown only this once" in page.content.decode()
    assert SecurityEvent.objects.filter(kind="two_step_enabled", user=acme_sales).exists()
    manage = client.get(reverse("two_step_manage")).content.decode()
    assert "10 of 10 left" in manage
    assert not any(code in manage for code in codes)


def test_a_wrong_code_is_refused_with_a_message_and_nothing_is_turned_on(client, acme_sales, clock):
    client.force_login(acme_sales)
    device = start(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    page = client.post(reverse("two_step_authenticator"), {"code": wrong})

    assert page.status_code == 400
    assert "That code is not right" in page.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert SecurityEvent.objects.filter(kind="two_step_failed", user=acme_sales).exists()


def test_a_second_wrong_code_at_once_is_told_to_wait(client, acme_sales, clock):
    client.force_login(acme_sales)
    device = start(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    client.post(reverse("two_step_authenticator"), {"code": wrong})

    page = client.post(reverse("two_step_authenticator"), {"code": totp_code(device)})

    assert "Too many wrong codes in a row: try again in 1 second." in page.content.decode()
    clock.shift(2)
    page = client.post(reverse("two_step_authenticator"), {"code": totp_code(device)})
    assert page.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
