"""Removing a way to verify, and turning two-step verification off."""

import os

from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from portal.accounts.models import SecurityEvent
from tests.fixtures.factories import give_authenticator, totp_code


def make_passkey(user, name="Passkey added 2026-11-30 09:00"):
    return WebAuthnCredential.objects.create(
        user=user, name=name, credential_id=os.urandom(16), public_key=b"key", confirmed=True
    )


def test_turning_it_off_asks_for_a_current_code(client, acme_sales, clock):
    device = give_authenticator(acme_sales)
    make_passkey(acme_sales)
    client.force_login(acme_sales)
    client.post(reverse("two_step_recovery_codes"))

    refused = client.post(reverse("two_step_off"), {"off-code": "123"})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()

    clock.shift(5)
    done = client.post(reverse("two_step_off"), {"off-code": totp_code(device)})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=acme_sales).exists()
    assert not WebAuthnCredential.objects.filter(user=acme_sales).exists()
    assert not StaticToken.objects.filter(device__user=acme_sales).exists()
    assert SecurityEvent.objects.filter(kind="two_step_disabled", user=acme_sales).exists()
    assert client.get("/").status_code == 200


def test_a_passkey_is_removed_while_the_app_remains(client, acme_sales, clock):
    give_authenticator(acme_sales)
    passkey = make_passkey(acme_sales)
    client.force_login(acme_sales)

    client.post(reverse("two_step_passkey_remove", args=[passkey.pk]))

    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert SecurityEvent.objects.get(kind="passkey_removed").detail == passkey.name


def test_the_last_way_to_verify_is_not_removed_on_its_own(client, acme_sales, clock):
    passkey = make_passkey(acme_sales)
    client.force_login(acme_sales)

    page = client.post(reverse("two_step_passkey_remove", args=[passkey.pk]), follow=True)

    assert "This is your last way to verify" in page.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_the_app_is_removed_with_a_code_when_a_passkey_remains(client, acme_sales, clock):
    device = give_authenticator(acme_sales)
    make_passkey(acme_sales)
    client.force_login(acme_sales)

    client.post(reverse("two_step_authenticator_remove"), {"remove-code": totp_code(device)})

    assert not TOTPDevice.objects.filter(user=acme_sales).exists()


def test_another_users_passkey_is_not_found(client, acme_sales, acme_admin, outsider, clock):
    theirs = make_passkey(acme_admin)
    make_passkey(acme_admin, name="second")
    elsewhere = make_passkey(outsider)
    give_authenticator(acme_sales)
    make_passkey(acme_sales)
    client.force_login(acme_sales)

    for passkey in [theirs, elsewhere]:
        response = client.post(reverse("two_step_passkey_remove", args=[passkey.pk]))
        assert response.status_code == 404
    assert WebAuthnCredential.objects.filter(pk__in=[theirs.pk, elsewhere.pk]).count() == 2


def test_another_users_codes_do_not_verify(client, acme_sales, acme_admin, clock):
    from .conftest import sign_in_with_password

    give_authenticator(acme_sales)
    admins_app = give_authenticator(acme_admin)

    sign_in_with_password(client, acme_sales)
    page = client.post(reverse("two_step_verify"), {"code": totp_code(admins_app)})

    assert page.status_code == 400


def test_the_settings_page_lists_only_my_own_passkeys(
    client, acme_sales, acme_admin, clock, passkeys_on
):
    make_passkey(acme_admin, name="Admin key")
    make_passkey(acme_sales, name="My laptop key")
    client.force_login(acme_sales)

    page = client.get(reverse("two_step_manage")).content.decode()

    assert "My laptop key" in page
    assert "Admin key" not in page
    assert 'id="passkey-register-button"' in page


def test_with_passkeys_only_a_fresh_passkey_check_stands_for_the_code(
    client, acme_sales, clock, settings
):
    make_passkey(acme_sales)
    client.force_login(acme_sales)  # verified just now (with the passkey)
    clock.shift(settings.TWO_STEP_FRESH_MINUTES * 60 + 1)

    stale = client.post(reverse("two_step_off"), {"off-code": ""})
    assert stale.status_code == 400
    assert "Verify with your passkey first" in stale.content.decode()

    client.force_login(acme_sales)
    fresh = client.post(reverse("two_step_off"), {"off-code": ""})
    assert fresh.status_code == 302
    assert not WebAuthnCredential.objects.filter(user=acme_sales).exists()
