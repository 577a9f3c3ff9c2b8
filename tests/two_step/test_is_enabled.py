"""Whether a user has two-step verification on: a confirmed authenticator app or a confirmed
passkey, their own; recovery codes or an unconfirmed device are no second step."""

from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.two_step import is_enabled
from tests.fixtures.factories import give_authenticator
from tests.two_step.test_removal import make_passkey


def test_nothing_confirmed_is_no_second_step(acme_sales, acme_admin, django_assert_num_queries):
    TOTPDevice.objects.create(user=acme_sales, name="Not set up yet", confirmed=False)
    StaticDevice.objects.create(user=acme_sales, name="Recovery codes", confirmed=True)
    give_authenticator(acme_admin)  # someone else's
    make_passkey(acme_admin)

    with django_assert_num_queries(1):
        assert is_enabled(acme_sales) is False


def test_a_confirmed_app_or_a_confirmed_passkey_alone_turns_it_on(acme_sales, acme_admin):
    give_authenticator(acme_sales)
    make_passkey(acme_admin)

    assert is_enabled(acme_sales) is True
    assert is_enabled(acme_admin) is True
