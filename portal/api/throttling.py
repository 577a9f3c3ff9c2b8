"""Rates: each token has ``API_RATE`` requests a period, each user (all their tokens and their
session together) ``API_RATE_PER_USER`` and each MSP (all its users) ``API_RATE_PER_PARTNER``;
each client address has ``API_WRONG_TOKENS_PER_MINUTE`` wrong tokens a minute. Without the
per-user and per-MSP counts, a user could multiply their rate by making more tokens.

On PostgreSQL they are counted in the database, so every web process on every machine sees
the same count: one row per (who, window); one upsert adds a request and a read in the same
transaction gives the total, so two processes cannot both take the last one. On SQLite (one
machine) they are counted in the cache.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle

from .models import RateCount

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" → (600, 60)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[:1]]


def count_one(who: str, period: int) -> tuple[int, int]:
    """Count one more request of ``who`` in the current window of ``period`` seconds; the
    window's count so far, and the seconds until the next window starts."""
    now = time.time()
    start = int(now // period * period)
    who = who[:100]
    if connection.vendor == "sqlite":
        # SQLite writes one at a time: a count per request would make every API read wait
        # behind any long write (an import). One machine, so the cache counts, per process.
        key = f"api-rate:{who}:{start}"
        cache.add(key, 0, period)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            count = 1
        return count, max(1, math.ceil(start + period - now))
    table = connection.ops.quote_name(RateCount._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # The row is locked by the upsert, so the count it returns is this request's own.
        cursor.execute(
            f"INSERT INTO {table} (who, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (who, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [who, start],
        )
        count = cursor.fetchone()[0]
    return count, max(1, math.ceil(start + period - now))


def forget_old_counts() -> int:
    """Windows that ended more than a day ago (the longest period) are of no use."""
    return RateCount.objects.filter(window_start__lt=time.time() - 2 * 86400).delete()[0]


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
