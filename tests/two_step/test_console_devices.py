"""Vendor staff can remove a user's lost authenticator in the console, never read its secret."""

from base64 import b32encode

from django.urls import reverse

from tests.fixtures.factories import give_authenticator


def test_the_console_shows_a_users_device_without_its_secret(client, staff, acme_sales):
    device = give_authenticator(acme_sales)
    client.force_login(staff)

    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert acme_sales.email in html or str(acme_sales.pk) in html
    assert device.key not in html
    assert b32encode(device.bin_key).decode().rstrip("=") not in html
    assert (
        client.get(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])).status_code == 200
    )
