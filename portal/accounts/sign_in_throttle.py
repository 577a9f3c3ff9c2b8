"""Sign-in throttling, through django-axes (failed attempts are kept in the database, so every
web process on every machine counts them together).

After ``SIGN_IN_FAILURE_LIMIT`` failures for one account, or from one client address, sign-in
is refused for ``SIGN_IN_LOCKOUT_MINUTES`` (each refused try starts that wait again), on the
portal's login and the console's alike.

So that an attacker cannot keep a real user out: a browser in which that user has signed in
before carries a signed *known device* cookie, and is only held back by its own failures for
that account, not by failures elsewhere.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.shortcuts import render

from portal.core.http import client_ip

from .forms import LoginForm
from .security import Kind, record, user_for_email

DEVICE_COOKIE = "portal_device"
DEVICE_SALT = "portal.accounts.known-device"
DEVICE_MAX_AGE = 180 * 24 * 3600


def username(request, credentials=None) -> str:
    """Attempts are counted per address as people type it, in any letter case."""
    data = credentials if credentials is not None else getattr(request, "POST", {})
    value = data.get("username") or data.get("email") or ""
    return value.strip().lower()[:254] if isinstance(value, str) else ""


def client_address(request) -> str:
    return client_ip(request) or ""


def _known_device_for(request) -> str:
    """The e-mail address this browser signed in as before, if its cookie is genuine."""
    cookies = getattr(request, "COOKIES", None) or {}
    try:
        return signing.loads(
            cookies.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return ""


def lockout_parameters(request_or_attempt, credentials=None):
    if hasattr(request_or_attempt, "COOKIES"):
        name = username(request_or_attempt, credentials)
        if name and _known_device_for(request_or_attempt) == name:
            return [["username", "ip_address"]]
    return ["ip_address", "username"]


def wait_words() -> str:
    minutes = settings.SIGN_IN_LOCKOUT_MINUTES
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying when to try again (HTTP 429)."""
    form = LoginForm(request, data=request.POST)
    form.is_bound = True
    form._errors, form.cleaned_data = {}, {}  # no second authenticate(): it counts a failure
    form.add_error(
        None,
        f"Too many failed sign-ins. Try again in {wait_words()}, "
        "or choose a new password with “Forgotten your password?”.",
    )
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", "")},
        status=429,
    )


@receiver(user_locked_out, dispatch_uid="security_locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    email = username or ""
    record(
        Kind.LOCKED_OUT,
        user=user_for_email(email),
        request=request,
        email=email,
        detail=f"sign-in refused for {wait_words()}",
    )


@receiver(user_logged_in, dispatch_uid="known_device")
def _remember_device(sender, request, user, **kwargs):
    if request is not None:
        request.known_device_email = user.email


class KnownDeviceMiddleware:
    """Sets the known-device cookie on the response to a successful sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if email := getattr(request, "known_device_email", ""):
            response.set_cookie(
                DEVICE_COOKIE,
                signing.dumps(email, salt=DEVICE_SALT),
                max_age=DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
