"""Rates: each token (or signed-in session) has ``API_RATE`` requests a period, and each
client address ``API_WRONG_TOKENS_PER_MINUTE`` wrong tokens a minute.

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
        cursor.execute(
            f"INSERT INTO {table} (who, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (who, window_start) DO UPDATE SET count = {table}.count + 1",
            [who, start],
        )
        cursor.execute(
            f"SELECT count FROM {table} WHERE who = %s AND window_start = %s",  # noqa: S608
            [who, start],
        )
        count = cursor.fetchone()[0]
    return count, max(1, math.ceil(start + period - now))


def forget_old_counts() -> int:
    """Windows that ended more than a day ago (the longest period) are of no use."""
    return RateCount.objects.filter(window_start__lt=time.time() - 2 * 86400).delete()[0]


class TokenRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        number, period = parse_rate(settings.API_RATE)  # read per request: tests change it
        auth = request.auth
        if hasattr(auth, "pk"):
            who = f"token:{auth.pk}"
        elif request.user and request.user.is_authenticated:
            who = f"user:{request.user.pk}"
        else:
            return True  # refused by authentication anyway
        count, self.retry_in = count_one(who, period)
        return count <= number

    def wait(self) -> int:
        return self.retry_in


def count_wrong_token(address: str | None) -> None:
    """Guessing tokens is slowed down: past the limit, the address waits for the next minute."""
    count, retry_in = count_one(f"wrong-token:{address or ''}", 60)
    if count > settings.API_WRONG_TOKENS_PER_MINUTE:
        raise exceptions.Throttled(wait=retry_in)
