"""``Authorization: Bearer <token>``: the token's user, as long as both are active."""

import datetime

from django.utils import timezone
from rest_framework import authentication, exceptions

from portal.core.http import client_ip

from .models import ApiToken, token_digest
from .throttling import count_wrong_token

# last_used_at is written at most this often: not one UPDATE per API call.
TOUCH_EVERY = datetime.timedelta(minutes=1)


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
            ApiToken.objects.select_related("user__partner")
            .filter(digest=token_digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            count_wrong_token(client_ip(request))
            raise exceptions.AuthenticationFailed("This API token is unknown or was revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword
