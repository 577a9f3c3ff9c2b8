"""The portal's form renderer: Django's, with the plain ``<input>``, ``<select>`` and
``<textarea>`` widgets written out in Python.

Django renders each widget through several templates (the widget's own, ``input.html``,
``attrs.html``, one ``select_option.html`` per option): on the customer page, with some twenty
fields, that was about a tenth of the page's time. These widgets come out exactly as those
templates make them (a test compares the two over every kind of value, attribute and choice);
every other widget (radio, checkboxes, a custom option template …) is rendered by Django's
templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData

# The widget templates that are only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "hidden",
        "url",
        "tel",
        "password",
        "date",
        "datetime",
        "time",
        "search",
        "color",
        "checkbox",
    )
)


# What ``{{ value }}`` is shown in: autoescape on, the settings' time zone and formats.
_SHOWN = Context()

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return input_html(context["widget"])
        if template_name == SELECT and _plain_options(context["widget"]):
            return select_html(context["widget"])
        if template_name == TEXTAREA:
            return textarea_html(context["widget"])
        return super().render(template_name, context, request=request)


def input_html(widget: dict) -> str:
    """What ``input.html`` renders for ``widget`` (the widget's context)."""
    html = f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
    if widget["value"] is not None:
        html += f' value="{_formatted(widget["value"])}"'
    return html + attrs_html(widget["attrs"]) + ">"


def select_html(widget: dict) -> str:
    """What ``select.html`` renders, each option as ``select_option.html`` does."""
    html = [f'<select name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"{attrs_html(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    return "".join(html) + "\n</select>"


def textarea_html(widget: dict) -> str:
    """What ``textarea.html`` renders."""
    value = _text(widget["value"]) if widget["value"] else ""
    start = f'<textarea name="{_text(widget["name"])}"{attrs_html(widget["attrs"])}>'
    return f"{start}\n{value}</textarea>"


def attrs_html(attrs: dict) -> str:
    """What ``attrs.html`` renders: `` name="value"``, a true one bare, a false one left out."""
    html = []
    for name, value in attrs.items():
        if value is True:
            html.append(f" {_text(name)}")
        elif value is not False:
            html.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(html)


def _plain_options(widget: dict) -> bool:
    """Every option is drawn by Django's own option template (a widget may name another)."""
    return all(
        option["template_name"] == OPTION
        for _, options, _ in widget["optgroups"]
        for option in options
    )


def _text(value) -> str:
    """``{{ value }}``: shown as the template shows it (localized, escaped unless safe)."""
    return render_value_in_context(value, _SHOWN)


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps only a safe value safe."""
    text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)
