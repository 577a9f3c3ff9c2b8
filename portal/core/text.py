"""Text from outside: control characters are refused wherever text comes in.

Refused in every input: the C0 controls U+0000–U+001F, DEL (U+007F), the C1 controls
U+0080–U+009F and lone surrogates (only JSON's ``\\ud800`` escapes can make one). A multi-line
field (a ``Textarea``, or an API field a view names in ``multiline_fields``) takes tab, line
feed and carriage return; every other input takes one line, so those three are refused there
too. PostgreSQL cannot store NUL at all (a search for one was a 500); the others make names,
e-mail headers and exports show what the user never saw.

Where the refusal is said:
- a form field a person types into: a message next to the field (``SafeTextMixin``);
- an input nobody types (a choice, a tick box, a hidden field, a button) and a query
  parameter: a 400 page or JSON error naming it (``TextRefused``, ``ControlCharacterMiddleware``);
- a list page's search box: a message under the box (``lists.ListState.error``);
- the API: its 400 error, naming the JSON field path or the query parameter.
"""

import re

from django import forms
from django.core.exceptions import SuspiciousOperation
from django.forms import widgets
from django.http import JsonResponse
from django.shortcuts import render

ALWAYS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
MULTI_LINE = re.compile(f"[{ALWAYS}]")
ONE_LINE = re.compile(f"[{ALWAYS}\t\n\r]")
NOT_ALLOWED = "{where} holds {what}, which is not allowed: remove it."


def problem(value: str, *, multiline: bool = False) -> str:
    """What is wrong with ``value`` ("a control character (U+0000)"), or "" if nothing."""
    match = (MULTI_LINE if multiline else ONE_LINE).search(value)
    if not match:
        return ""
    char = match.group()
    if char in "\n\r":
        return "a line break"
    if char == "\t":
        return "a tab"
    kind = "an invalid character" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"{kind} (U+{ord(char):04X})"


def first_problem(values, *, multiline: bool = False) -> str:
    """The problem of the first of ``values`` (strings) that has one, or ""."""
    return next((p for v in values if (p := problem(v, multiline=multiline))), "")


def message(what: str, where: str = "This field") -> str:
    return NOT_ALLOWED.format(where=where, what=what)


def shown(name: str) -> str:
    """A name that may itself hold control characters, as it can be printed."""
    return name.encode("unicode_escape").decode("ascii") if problem(name) else name


def without_controls(value: str) -> str:
    """``value`` without the characters no input takes (tab and line breaks are kept)."""
    return MULTI_LINE.sub("", value)


def _without(value):
    return without_controls(value) if isinstance(value, str) else value


def query_refusals(query) -> dict[str, str]:
    """``{parameter: message}`` for each parameter of ``query`` (a QueryDict) that holds a
    control character, in its name or one of its values."""
    refused = {}
    for name, values in query.lists():
        what = problem(name) or first_problem(values)
        if what:
            refused[shown(name)] = message(what, f"The parameter “{shown(name)}”")
    return refused


def data_refusals(data, multiline=frozenset(), path: str = "") -> dict[str, list[str]]:
    """``{"products.0.code": [message]}`` for each string of parsed JSON (or form data) that
    holds a control character. ``multiline`` names the paths that take tab and line breaks."""
    if hasattr(data, "lists"):  # a QueryDict: form fields, each with one or more values
        data = {name: values for name, values in data.lists()}
    if isinstance(data, dict):
        found: dict[str, list[str]] = {}
        for key, value in data.items():
            key = str(key)
            here = f"{path}.{shown(key)}" if path else shown(key)
            if what := problem(key):
                found[path or "non_field_errors"] = [message(what, "A field name")]
            found.update(data_refusals(value, multiline, here))
        return found
    if isinstance(data, list):
        found = {}
        for index, value in enumerate(data):
            found.update(data_refusals(value, multiline, f"{path}.{index}" if path else str(index)))
        return found
    if isinstance(data, str) and (what := problem(data, multiline=_multiline(path, multiline))):
        return {path.rsplit(".", 1)[0] if _is_index(path) else path: [message(what)]}
    return {}


def _multiline(path: str, multiline) -> bool:
    return path in multiline or (_is_index(path) and path.rsplit(".", 1)[0] in multiline)


def _is_index(path: str) -> bool:
    return path.rsplit(".", 1)[-1].isdigit() and "." in path


class TextRefused(SuspiciousOperation):
    """An input nobody types (a choice, a hidden field, a button, a parameter) held a control
    character: the request was forged or garbled, and is answered with a 400 naming it."""

    def __init__(self, refused: dict[str, str]):
        super().__init__(" ".join(refused.values()))
        self.refused = refused


def _typed(widget) -> bool:
    """A box a person types into, where a message next to it helps them."""
    if isinstance(widget, widgets.HiddenInput | widgets.CheckboxInput | widgets.FileInput):
        return False
    return isinstance(widget, widgets.Input | widgets.Textarea)


class SafeTextMixin:
    """For every form of the portal: no field's clean, ``clean()`` or query ever sees a
    control character (they are taken out of ``data``), and the form is not valid while its
    input held one. A typed field gets the message; any other input raises ``TextRefused``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bad_text: dict[str, list[str]] = {}
        if self.is_bound:
            self.data = self._cleaned_copy(self.data)

    def _cleaned_copy(self, data):
        if hasattr(data, "lists"):
            items = list(data.lists())
            copy = data.copy()
        else:
            items = [(k, v if isinstance(v, list | tuple) else [v]) for k, v in data.items()]
            copy = dict(data)
        for key, values in items:
            name = str(key)
            texts = [v for v in values if isinstance(v, str)]
            if not problem(name) and not any(problem(v) for v in texts):
                continue
            self._bad_text[name] = texts
            if MULTI_LINE.search(name):
                del copy[key]  # a name no field has: nothing reads it
            elif hasattr(copy, "setlist"):
                copy.setlist(key, [_without(v) for v in values])
            elif isinstance(copy[key], list):
                copy[key] = [_without(v) for v in copy[key]]
            else:
                copy[key] = _without(copy[key])
        return copy

    @property
    def has_bad_text(self) -> bool:
        """Some input held a control character (said by full_clean, or refused)."""
        return bool(self._bad_text)

    def full_clean(self):
        field_errors, refused = self._text_problems()
        if refused:
            raise TextRefused(refused)
        super().full_clean()
        for name, text in field_errors.items():
            self.add_error(name, text)

    def _text_problems(self) -> tuple[dict[str, str], dict[str, str]]:
        field_errors: dict[str, str] = {}
        refused: dict[str, str] = {}
        if not self.is_bound or not self._bad_text:
            return field_errors, refused
        names = {self.add_prefix(name): name for name in self.fields}
        for key, values in self._bad_text.items():
            name = names.get(key)
            field = self.fields.get(name) if name else None
            multiline = field is not None and isinstance(field.widget, forms.Textarea)
            what = problem(key) or first_problem(values, multiline=multiline)
            if not what:
                continue
            if field is not None and _typed(field.widget):
                field_errors[name] = message(what)
            else:
                refused[shown(key)] = message(what, f"The input “{shown(key)}”")
        return field_errors, refused


class Form(SafeTextMixin, forms.Form):
    pass


class ModelForm(SafeTextMixin, forms.ModelForm):
    pass


def refusal_response(request, refused: dict[str, str], *, as_json: bool = False):
    """The 400 naming each input that held a control character."""
    if as_json:
        first = next(iter(refused.values()))
        fields = {name: [text] for name, text in refused.items()}
        error = {"status": 400, "code": "invalid", "message": first, "fields": fields}
        return JsonResponse({"error": error}, status=400)
    context = {"refused": refused.values(), "back": request.path}
    return render(request, "core/bad_text.html", context, status=400)


class ControlCharacterMiddleware:
    """A query parameter with a control character gets a 400 naming it before any view reads
    it. A view that shows the refusal itself (a list page's search box, the API's error) says
    so with ``reports_query_text = True``. Also answers ``TextRefused`` raised by a form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "view_class", None)
        if getattr(view_class, "reports_query_text", False):
            return None
        if refused := query_refusals(request.GET):
            return refusal_response(request, refused, as_json=_is_api(view_class))
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, TextRefused):
            return refusal_response(request, exception.refused)
        return None


def _is_api(view_class) -> bool:
    from rest_framework.views import APIView

    return isinstance(view_class, type) and issubclass(view_class, APIView)
