"""Creating and revoking personal API tokens."""

import secrets

from django.db import transaction
from django.utils import timezone

from portal.accounts.security import Kind, record
from portal.core.history import history_record
from portal.core.models import HistoryEntry

from .models import ApiToken, token_digest

TOKEN_PREFIX = "msp_"


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """The new token and its secret text, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=raw[: len(TOKEN_PREFIX) + 6], digest=token_digest(raw)
    )
    history_record(
        actor=user,
        obj=user,
        action=HistoryEntry.Action.UPDATE,
        summary=f"API token “{token.name}” ({token.prefix}…) created",
    )
    record(Kind.TOKEN_CREATED, user=user, actor=user, detail=f"{token.name} ({token.prefix}…)")
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> bool:
    """False if it was revoked already."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        history_record(
            actor=actor,
            obj=token.user,
            action=HistoryEntry.Action.UPDATE,
            summary=f"API token “{token.name}” ({token.prefix}…) revoked",
        )
        record(
            Kind.TOKEN_REVOKED,
            user=token.user,
            actor=actor,
            detail=f"{token.name} ({token.prefix}…)",
        )
    return bool(revoked)
