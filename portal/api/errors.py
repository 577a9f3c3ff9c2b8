"""One JSON error shape for every API error.

``{"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"name": ["…"]}}}``:
``fields`` names the input that caused each problem (nested inputs as ``products.C1``);
``message`` says in one sentence what went wrong, for a person reading a log.
"""

import logging

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from portal.core.http import error_body

logger = logging.getLogger("django.request")


class ApiError(exceptions.APIException):
    """A refusal with its own status and code (409 conflict, 422 …)."""

    def __init__(self, message: str, *, status_code: int, code: str, fields: dict | None = None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.fields = fields or {}


class FieldErrors(exceptions.ValidationError):
    """Field-level messages (from a form or a serializer) and the messages of no one field."""

    def __init__(self, fields: dict[str, list[str]], message: str = ""):
        self.fields = {key: [str(m) for m in msgs] for key, msgs in fields.items() if msgs}
        general = self.fields.pop("__all__", [])
        if general:
            self.fields["non_field_errors"] = general
        self.message = message or first_message(self.fields)
        super().__init__(detail=self.fields, code="invalid")


def first_message(fields: dict[str, list[str]]) -> str:
    """The first problem, as one sentence for a log: "products.A1: At most 120 …"."""
    for name, messages in fields.items():
        return messages[0] if name == "non_field_errors" else f"{name}: {messages[0]}"
    return "The input is invalid."


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"a.b": ["…"]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and detail and not all(isinstance(d, str) for d in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(item) for item in items]}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # Another MSP's object, or a page this user may not use: as if it did not exist.
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, SuspiciousOperation):
        # A body too large, too many fields, a malformed header: Django's refusals, as ours.
        exc = exceptions.ValidationError({"non_field_errors": [str(exc) or "Bad request."]})
    response = drf_handler(exc, context)
    if response is None:
        # A fault of ours: logged like any server error, answered in the API's own shape.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=exc,
            extra={"status_code": 500, "request": getattr(request, "_request", None)},
        )
        body = error_body(500, "server_error", "Something went wrong on our side; try again.")
        response = Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        response._has_been_logged = True  # logged above, with the traceback: not twice
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, ApiError):
        body = error_body(exc.status_code, exc.get_codes(), str(exc.detail), exc.fields)
    elif isinstance(exc, FieldErrors):
        body = error_body(exc.status_code, "invalid", exc.message, exc.fields)
    elif isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        body = error_body(response.status_code, "invalid", first_message(fields), fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, list | dict):
            detail = next(iter(_flatten(detail).values()))[0]
        body = error_body(response.status_code, code, str(detail))
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        body["error"]["retry_after"] = int(response.headers.get("Retry-After", 1))
    response.data = body
    return response
