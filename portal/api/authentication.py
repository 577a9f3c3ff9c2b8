"""``Authorization: Bearer <token>``: the token's user, as long as both are active."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from rest_framework import authentication, exceptions

from portal.core.http import client_ip

from .models import ApiToken, token_digest

# last_used_at is written at most this often: not one UPDATE per API call.
TOUCH_EVERY = datetime.timedelta(minutes=1)
WRONG_TOKENS_WINDOW = 60  # seconds


def _count_wrong_token(request) -> None:
    """Guessing tokens is slowed down: after ``API_WRONG_TOKENS_PER_MINUTE`` wrong ones from
    one address, that address waits (429) until the minute is over."""
    key = f"api-wrong-token:{client_ip(request)}"
    cache.add(key, 0, WRONG_TOKENS_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    if count > settings.API_WRONG_TOKENS_PER_MINUTE:
        raise exceptions.Throttled(wait=WRONG_TOKENS_WINDOW)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        raw = raw.strip()
        if not raw:
            raise exceptions.AuthenticationFailed("The Authorization header has no token.")
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            _count_wrong_token(request)
            raise exceptions.AuthenticationFailed("This API token is unknown or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
