"""The two-step pages run under a strict Content-Security-Policy: no inline script, no inline
style, no inline event handler; data for scripts comes in JSON blocks."""

import os
import re

from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from tests.fixtures.factories import give_authenticator

from .conftest import sign_in_with_password

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_STYLE = re.compile(r"<style|\sstyle=")
HANDLER = re.compile(r"\son[a-z]+=", re.I)


def assert_csp_safe(html: str) -> None:
    assert INLINE_SCRIPT.findall(html) == []
    assert INLINE_STYLE.findall(html) == []
    assert HANDLER.findall(html) == []


def test_the_settings_and_set_up_pages_have_no_inline_code(client, acme_sales, clock, passkeys_on):
    client.force_login(acme_sales)
    manage = client.get(reverse("two_step_manage")).content.decode()
    assert 'id="otp_webauthn_config" type="application/json"' in manage  # the passkey script
    assert_csp_safe(manage)

    client.post(reverse("two_step_authenticator_start"))
    assert_csp_safe(client.get(reverse("two_step_authenticator")).content.decode())


def test_the_verify_and_recovery_code_pages_have_no_inline_code(
    client, acme_sales, clock, passkeys_on
):
    give_authenticator(acme_sales)
    WebAuthnCredential.objects.create(
        user=acme_sales, name="key", credential_id=os.urandom(16), public_key=b"k", confirmed=True
    )
    client.force_login(acme_sales)
    assert_csp_safe(client.post(reverse("two_step_recovery_codes")).content.decode())
    client.post(reverse("logout"))

    sign_in_with_password(client, acme_sales)
    verify = client.get(reverse("two_step_verify")).content.decode()
    assert 'id="passkey-verification-button"' in verify
    assert_csp_safe(verify)
