"""The portal's form renderer: Django's, with the plain ``<input>`` widgets written out in Python.

Django renders each widget through three templates (the widget's own, ``input.html`` and
``attrs.html``): on the customer page, with some twenty fields, that was about a tenth of the
page's time. The inputs come out exactly as those templates make them (a test compares the two
over every kind of value and attribute); every other widget (select, textarea, radio …) is
rendered by Django's templates as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
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


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return input_html(context["widget"])
        return super().render(template_name, context, request=request)


def input_html(widget: dict) -> str:
    """What ``input.html`` renders for ``widget`` (the widget's context)."""
    html = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        html.append(f' value="{_formatted(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is True:
            html.append(f" {_text(name)}")
        elif value is not False:
            html.append(f' {_text(name)}="{_formatted(value)}"')
    return "".join(html) + ">"


def _text(value) -> str:
    """``{{ value }}``: escaped unless marked safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps only a safe value safe."""
    text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)
