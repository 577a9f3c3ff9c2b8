"""Signed-in sessions: an idle timeout and an absolute lifetime, and the list of a user's
sessions (browser, address, last active) from which they can end any of them.

Django's session store keeps the session itself; a ``UserSession`` row mirrors each one so it
can be listed per user. Ending a session deletes it from the store, which signs that browser
out on its next request.
"""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.template.defaultfilters import pluralize
from django.utils import timezone

from portal.core.http import client_ip

from .models import UserSession
from .security import Kind, record, user_agent

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
# The last-seen time is written at most this often, so a busy page does not write every request.
TOUCH_EVERY = datetime.timedelta(seconds=60)


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


@receiver(user_logged_in, dispatch_uid="user_session_start")
def _session_started(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN_AT] = now.timestamp()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": user_agent(request),
        },
    )


@receiver(user_logged_out, dispatch_uid="user_session_end")
def _session_ended(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()


def _sign_out(session: UserSession) -> None:
    _store()(session_key=session.session_key).delete()
    session.delete()


def session_end(*, session: UserSession, request=None) -> None:
    """Sign that browser out: its next request finds no session."""
    _sign_out(session)
    record(Kind.SESSION_ENDED, user=session.user, request=request, detail=session.user_agent)


def sessions_end_others(*, user, keep_key: str | None, request=None) -> int:
    """End every session of ``user`` but ``keep_key`` (after a password change or reset)."""
    others = list(UserSession.objects.filter(user=user).exclude(session_key=keep_key or ""))
    for session in others:
        _sign_out(session)
    if others:
        record(
            Kind.SESSION_ENDED,
            user=user,
            request=request,
            detail=f"{len(others)} other session{'s' if len(others) != 1 else ''} ended",
        )
    return len(others)


class SessionLimitsMiddleware:
    """Signs out a session idle for ``SESSION_IDLE_MINUTES`` or older than
    ``SESSION_MAX_HOURS``, and keeps the session's last-active time."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if response := self._check(request, user):
                return response
        return self.get_response(request)

    def _check(self, request, user):
        now = timezone.now().timestamp()
        session = request.session
        signed_in = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN_AT)
        if signed_in is None or last_seen is None:  # a session from before these limits
            session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = now
            return None
        reason = ""
        idle, hours = settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS
        if now - last_seen > idle * 60:
            reason = f"after {idle} minute{pluralize(idle)} without activity"
        elif now - signed_in > hours * 3600:
            reason = f"{hours} hour{pluralize(hours)} after signing in"
        if reason:
            record(Kind.SESSION_EXPIRED, user=user, request=request, detail=reason)
            logout(request)
            messages.info(request, f"You were signed out {reason}. Please sign in again.")
            if request.path.startswith("/api/") or request.headers.get("HX-Request"):
                return None  # the API and htmx answer as for anyone signed out
            return redirect_to_login(request.get_full_path())
        if now - last_seen >= TOUCH_EVERY.total_seconds():
            session[LAST_SEEN_AT] = now
            UserSession.objects.filter(session_key=session.session_key).update(
                last_seen_at=timezone.now()
            )
        return None
