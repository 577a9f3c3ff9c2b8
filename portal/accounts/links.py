"""Set-password links (invitations and password resets).

Django's token already dies once the password changes or the user signs in. On top of that,
only the newest link sent to a user works (``User.link_generation`` is part of the token and is
bumped whenever a link is sent), and no link works for a deactivated user.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class SetPasswordTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "portal.accounts.links.SetPasswordTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.link_generation}"

    def check_token(self, user, token):
        return bool(user is not None and user.is_active and super().check_token(user, token))


set_password_tokens = SetPasswordTokenGenerator()


def set_password_path(user) -> str:
    """A new link for ``user``; every link sent before it stops working."""
    type(user).objects.filter(pk=user.pk).update(link_generation=F("link_generation") + 1)
    user.refresh_from_db(fields=["link_generation"])
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": set_password_tokens.make_token(user),
        },
    )
