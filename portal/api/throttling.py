"""Rates: each token has ``API_RATE`` requests a period, each user (all their tokens and their
session together) ``API_RATE_PER_USER`` and each MSP (all its users) ``API_RATE_PER_PARTNER``;
each client address has ``API_WRONG_TOKENS_PER_MINUTE`` wrong tokens a minute. Without the
per-user and per-MSP counts, a user could multiply their rate by making more tokens.

On PostgreSQL they are counted in the database, so every web process on every machine sees
the same count: one row per (who, window); one upsert adds a request and returns the total,
so two processes cannot both take the last one. On SQLite (one machine) they are counted in
the cache.
"""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from portal.core.counters import count_one

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" → (600, 60)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[:1]]


def rates() -> dict[str, tuple[int, int]]:
    """The three rates as (requests, seconds), read per request (tests change them). Unset, a
    user has a token's rate and an MSP four times that."""
    token = parse_rate(settings.API_RATE)
    user = parse_rate(settings.API_RATE_PER_USER) if settings.API_RATE_PER_USER else token
    if settings.API_RATE_PER_PARTNER:
        partner = parse_rate(settings.API_RATE_PER_PARTNER)
    else:
        partner = (4 * token[0], token[1])
    return {"token": token, "user": user, "partner": partner}


class TokenRateThrottle(BaseThrottle):
    """Counts the request for its token, then its user, then its MSP; refused at the first
    that is over its rate. A refused request is not counted any further, so a script that
    ignores 429 uses up its own token's allowance, not its colleagues'."""

    def allow_request(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return True  # refused by authentication anyway
        limits = rates()
        counted = []
        if hasattr(request.auth, "pk"):
            counted.append((f"token:{request.auth.pk}", limits["token"]))
        counted.append((f"user:{user.pk}", limits["user"]))
        if user.partner_id:
            counted.append((f"partner:{user.partner_id}", limits["partner"]))
        for who, (number, period) in counted:
            count, self.retry_in = count_one(who, period)
            if count > number:
                return False
        return True

    def wait(self) -> int:
        return self.retry_in


def count_wrong_token(address: str | None) -> None:
    """Guessing tokens is slowed down: past the limit, the address waits for the next minute."""
    count, retry_in = count_one(f"wrong-token:{address or ''}", 60)
    if count > settings.API_WRONG_TOKENS_PER_MINUTE:
        raise exceptions.Throttled(wait=retry_in)
