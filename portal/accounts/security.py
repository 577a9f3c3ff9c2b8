"""The security log: one ``record()`` for every sign-in, failure, lock-out, two-step change,
token and role change, and the signal receivers that record Django's own sign-in events.

An MSP's Admins read their partner's events on **Users | Security Log**; vendor staff read all
of them in the console.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from portal.core.http import client_ip

from .models import SecurityEvent, User

logger = logging.getLogger("portal.security")
Kind = SecurityEvent.Kind


def _printable(text: str, limit: int) -> str:
    """What an attacker typed is kept, but never with control characters or at any length."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in str(text)[:limit])


def user_agent(request) -> str:
    """The browser as it names itself, fit to store and show."""
    return _printable(request.META.get("HTTP_USER_AGENT", ""), 200) if request else ""


def record(
    kind: str,
    *,
    user=None,
    request=None,
    partner=None,
    actor=None,
    email: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Write one security event (in the caller's transaction, if any)."""
    if partner is None and user is not None:
        partner = user.partner
    if actor is None and request is not None and getattr(request, "user", None):
        actor = request.user if request.user.is_authenticated else None
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        partner=partner,
        actor=actor,
        email=_printable(email or (user.email if user else ""), 254),
        ip=client_ip(request) if request is not None else None,
        user_agent=user_agent(request),
        detail=_printable(detail, 300),
    )
    logger.info(
        "security event %s user=%s partner=%s ip=%s",
        kind,
        getattr(user, "pk", None),
        getattr(partner, "pk", None),
        event.ip,
    )
    return event


def user_for_email(email: str) -> User | None:
    if not isinstance(email, str) or not email or len(email) > 254 or "\x00" in email:
        return None
    return User.objects.select_related("partner").filter(email__iexact=email.strip()).first()


@receiver(user_logged_in, dispatch_uid="security_sign_in")
def _signed_in(sender, request, user, **kwargs):
    record(Kind.SIGN_IN, user=user, request=request, actor=user)


@receiver(user_logged_out, dispatch_uid="security_sign_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.SIGN_OUT, user=user, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="security_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = credentials.get("username") or credentials.get("email") or ""
    user = user_for_email(email)
    locked = getattr(request, "axes_locked_out", False)
    record(
        Kind.SIGN_IN_FAILED,
        user=user,
        request=request,
        email=email,
        detail="refused while locked out" if locked else "wrong e-mail or password",
    )
