"""The API's parsers: after parsing, every string is checked for control characters, and a
request holding one is answered 400 naming the field (``products.0.code``). See
``portal.core.text``; a view names its multi-line fields in ``multiline_fields``."""

from rest_framework import parsers

from portal.core.text import data_refusals

from .errors import FieldErrors


class _TextChecked:
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        view = (parser_context or {}).get("view")
        data = getattr(parsed, "data", parsed)  # multipart: data and files
        if refused := data_refusals(data, frozenset(getattr(view, "multiline_fields", ()))):
            raise FieldErrors(refused)
        return parsed


class JSONParser(_TextChecked, parsers.JSONParser):
    pass


class FormParser(_TextChecked, parsers.FormParser):
    pass


class MultiPartParser(_TextChecked, parsers.MultiPartParser):
    pass
