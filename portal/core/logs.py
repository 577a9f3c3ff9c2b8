"""Who a log line is about: the request (or task) id, the MSP and the user, carried in context
variables from the request into the tasks it enqueues and the calls they make.

``LOG_FORMAT=json`` writes one JSON object a line (for a log shipper); otherwise a line a person
reads. A line carries ids only: never a secret, token, e-mail address or name.
"""

import contextvars
import datetime
import json
import logging
import re
import uuid

REQUEST_ID = contextvars.ContextVar("request_id", default="")
PARTNER_ID = contextvars.ContextVar("partner_id", default=None)
USER_ID = contextvars.ContextVar("user_id", default=None)
# The ids of the tasks a request has queued, named by its log line (each task's own line has
# its id): a request followed into its tasks.
TASKS_QUEUED = contextvars.ContextVar("tasks_queued", default=None)

# A request id taken from a proxy's X-Request-ID only when it is plainly an id.
SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def current_request_id() -> str:
    """The request id a row written now carries (an outbox row's default)."""
    return REQUEST_ID.get()


def new_request_id(offered: str | None = None) -> str:
    return offered if offered and SAFE_ID.fullmatch(offered) else uuid.uuid4().hex


class ContextFilter(logging.Filter):
    """Puts the ids of the request or task being served on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        record.partner_id = getattr(record, "partner_id", None) or PARTNER_ID.get()
        record.user_id = getattr(record, "user_id", None) or USER_ID.get()
        return True


# Extra fields a line may carry (``logger.info(..., extra={...})``), in this order.
FIELDS = (
    "method",
    "route",
    "status",
    "duration_ms",
    "queries",
    "tasks",
    "task",
    "task_id",
    "outcome",
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "partner_id", "user_id", *FIELDS):
            value = getattr(record, name, None)
            if value not in (None, ""):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """``12:00:01 INFO portal.ops [3f2a…] message``: the request id shortened to 8."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(ids)s %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", "")
        record.ids = f" [{request_id[:8]}]" if request_id else ""
        return super().format(record)
