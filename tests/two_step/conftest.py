import pytest
import time_machine
from django.urls import reverse

from tests.fixtures.factories import PASSWORD


@pytest.fixture
def clock():
    """The test's own clock: authenticator codes are per 30 s, and one is never taken twice."""
    with time_machine.travel("2026-11-30 09:00:05+00:00", tick=False) as traveller:
        yield traveller


def sign_in_with_password(client, user, next_url: str = ""):
    """The first step only, through the login page."""
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


@pytest.fixture
def passkeys_on(settings):
    """Passkeys at http://localhost, the one plain-http origin browsers allow them on."""
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost"]
