from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from portal.core.outbox import message_queue
from portal.core.text import SafeTextMixin

from .links import set_password_path


class LoginForm(SafeTextMixin, AuthenticationForm):
    """E-mail and password. Throttled by django-axes (``sign_in_throttle``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That e-mail address and password do not match an active account.",
    }


class OutboxPasswordResetForm(SafeTextMixin, PasswordResetForm):
    """Password-reset mail goes through the outbox like every other message, with retries."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        message_queue(
            template="password_reset",
            to=[to_email],
            context={"user": user, "reset_path": set_password_path(user)},
            partner=user.partner,
        )


class SetPasswordForm(SafeTextMixin, auth_forms.SetPasswordForm):
    """The new password of a reset link."""


class PasswordChangeForm(SafeTextMixin, auth_forms.PasswordChangeForm):
    """The old password and the new one, on Change password."""
