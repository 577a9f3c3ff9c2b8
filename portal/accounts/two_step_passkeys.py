"""Passkeys through django-otp-webauthn's own ceremony views, with the portal's rules added:
a passkey is only ever the second step (never a sign-in on its own), every added passkey and
every failed passkey check goes into the security log, and passing marks the session as
freshly verified.

The URL names stay the library's (namespace ``otp_webauthn``): its template tags and static
JavaScript find the endpoints by them.
"""

import json

from django.http import Http404
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as webauthn

from . import two_step
from .security import Kind, record


class _PasskeysOn:
    def dispatch(self, request, *args, **kwargs):
        if not two_step.passkeys_available():
            raise Http404("Passkeys need the portal at an https:// address.")
        return super().dispatch(request, *args, **kwargs)


class RegistrationBegin(_PasskeysOn, webauthn.BeginCredentialRegistrationView):
    pass


class RegistrationComplete(_PasskeysOn, webauthn.CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        was_verified = self.request.user.is_verified()
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            pk = json.loads(response.content)["id"]
            passkey = two_step.passkeys_for(self.request.user).get(pk=pk)
            two_step.passkey_added(passkey=passkey, request=self.request)
            if not was_verified:  # a first passkey, just made and used: the step is passed
                two_step.session_verify(self.request, passkey)
        return response


class AuthenticationBegin(_PasskeysOn, webauthn.BeginCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()  # the password always comes first
        super().check_can_authenticate()


class AuthenticationComplete(_PasskeysOn, webauthn.CompleteCredentialAuthenticationView):
    def check_can_authenticate(self):
        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        super().check_can_authenticate()

    def complete_auth(self, device):
        if device.user_id != self.request.user.pk:
            raise exceptions.CredentialNotFound()
        super().complete_auth(device)
        two_step.session_verify(self.request, device)

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            record(
                Kind.TWO_STEP_FAILED,
                user=self.request.user,
                request=self.request,
                detail=f"passkey: {exc.code}",
            )
        return super().handle_exception(exc)


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        RegistrationBegin.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        RegistrationComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        AuthenticationBegin.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        AuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
