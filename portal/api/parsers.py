"""The API's request: its parsed body is checked for control characters when a view reads it,
and a body holding one is answered 400 naming the field (``products.0.code``). See
``portal.core.text``; a view names its multi-line fields in ``multiline_fields``.

Checked when read rather than when parsed: a view finds its object first, so another MSP's id
is a 404 whatever the body holds.
"""

from rest_framework.request import Request

from portal.core.text import data_refusals

from .errors import FieldErrors


class CheckedRequest(Request):
    @property
    def data(self):
        data = self.raw_data
        view = self.parser_context.get("view")
        multiline = frozenset(getattr(view, "multiline_fields", ()))
        if refused := data_refusals(data, multiline):
            raise FieldErrors(refused)
        return data

    @property
    def raw_data(self):
        """The parsed body, unchecked: for the Idempotency-Key's fingerprint."""
        return Request.data.fget(self)
