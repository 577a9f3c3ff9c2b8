"""Counting requests in windows of time, for the API's rates and the limits on e-mails.

On PostgreSQL they are counted in the database, so every web process on every machine sees
the same count: one row per (who, window); one upsert adds a request and returns the total,
so two processes cannot both take the last one. On SQLite (one machine) they are counted in
the cache.
"""

import math
import time

from django.core.cache import cache
from django.db import connection, transaction

from .models import RateCount


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
