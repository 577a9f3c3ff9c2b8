"""Long-running processes (workers, ``outbox_recover``) outlive a lost database connection.

A restart or fail-over of the database server drops every connection; the next query raises
``OperationalError`` (or ``InterfaceError`` on a connection already closed). The process logs
it, waits 1, 2, 4 … seconds up to ``DB_RECONNECT_MAX_SECONDS`` until the server answers again,
and carries on.
"""

import logging
from time import sleep

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, connections

logger = logging.getLogger(__name__)

DB_LOST = (OperationalError, InterfaceError)


def wait_for_database(*, first: float = 1.0) -> float:
    """Drop this thread's connections and wait until a new one can be made; the seconds
    waited."""
    cap = settings.DB_RECONNECT_MAX_SECONDS
    delay, waited = min(first, cap), 0.0
    while True:
        # A broken connection is never reused: the next query opens a new one.
        connections.close_all()
        sleep(delay)
        waited += delay
        try:
            connection.ensure_connection()
        except DB_LOST as exc:
            logger.warning("The database is still unreachable (%s); next try in %s s", exc, delay)
            delay = min(delay * 2, cap)
        else:
            logger.warning("Reconnected to the database after %.0f s", waited)
            return waited
