"""The portal's form renderer writes the plain inputs, selects and textareas out in Python:
each must come out exactly as Django's templates make it, whatever the value, the choices and
the attributes."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe
from hypothesis import given
from hypothesis import strategies as st

from portal.core.form_renderer import INPUTS, FormRenderer

DJANGO = DjangoTemplates()
OURS = FormRenderer()

VALUES = [
    None,
    "",
    0,
    42,
    Decimal("1234.50"),
    'Tom & Jerry\'s <b>"shop"</b>',
    mark_safe("<i>already safe</i>"),
    datetime.date(2026, 12, 1),
    "\u00e9t\u00e9 \u2014 \U0001f600",
]
ATTRS = [
    {},
    {"required": True, "disabled": False, "id": "id_seats"},
    {"min": 0, "max": 1_000_000, "step": Decimal("0.01"), "class": "a<b"},
    {"aria-describedby": mark_safe("x_helptext"), "placeholder": "\"quoted\" & 'single'"},
    {"data-x": None, "autofocus": True, "hx-post": "/orders/1/quote/?a=1&b=2"},
]


def render_both(template: str, widget: dict) -> tuple[str, str]:
    context = {"widget": widget}
    return DJANGO.render(template, context), OURS.render(template, context)


@pytest.mark.parametrize("template", sorted(INPUTS))
@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_each_input_is_written_as_djangos_template_writes_it(template, value, attrs):
    widget = {"type": "text", "name": "seats_BS1", "value": value, "attrs": attrs}
    django, ours = render_both(template, widget)
    assert ours == django


@given(
    name=st.text(max_size=20),
    value=st.none() | st.text(max_size=30) | st.integers(),
    attrs=st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.booleans() | st.none() | st.text(max_size=20) | st.integers(),
        max_size=4,
    ),
)
def test_any_text_comes_out_as_djangos(name, value, attrs):
    widget = {"type": "email", "name": name, "value": value, "attrs": attrs}
    django, ours = render_both("django/forms/widgets/email.html", widget)
    assert ours == django


@pytest.mark.parametrize(
    "field",
    [
        forms.CharField(max_length=10, help_text="Help"),
        forms.IntegerField(min_value=0, max_value=10),
        forms.DecimalField(decimal_places=2),
        forms.EmailField(),
        forms.DateField(),
        forms.BooleanField(required=False),
        forms.CharField(widget=forms.HiddenInput),
        forms.CharField(widget=forms.PasswordInput(render_value=True)),
    ],
)
@pytest.mark.parametrize("data", [None, {"f": "x<y"}, {"f": "12"}, {"f": "on"}])
def test_a_bound_field_renders_the_same_through_either_renderer(field, data):
    class TheForm(forms.Form):
        f = field

    django = str(TheForm(data, renderer=DJANGO)["f"])
    ours = str(TheForm(data, renderer=OURS)["f"])
    assert ours == django


CHOICES = [
    [],
    [("", "—"), ("a", "A & B"), (1, 2), (Decimal("1.50"), datetime.date(2026, 12, 1))],
    [("", "Nobody"), ("Group <1>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]), ("z", "Z")],
    [(None, "none"), ("'quoted'", '"double"')],
]


@pytest.mark.parametrize("choices", CHOICES)
@pytest.mark.parametrize("value", [None, "", "a", 1, "x", ["x", "z"], "missing"])
@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("widget", [forms.Select, forms.SelectMultiple])
def test_each_select_is_written_as_djangos_templates_write_it(choices, value, attrs, widget):
    select = widget(attrs, choices)
    ours = select.render("lead", value, attrs={"id": "id_lead"}, renderer=OURS)
    assert ours == select.render("lead", value, attrs={"id": "id_lead"}, renderer=DJANGO)


@pytest.mark.parametrize("value", [None, True, False, "unknown", "2"])
@pytest.mark.parametrize("attrs", ATTRS)
def test_a_yes_no_select_is_written_as_djangos_templates_write_it(value, attrs):
    select = forms.NullBooleanSelect(attrs=attrs)
    assert select.render("paid", value, renderer=OURS) == select.render(
        "paid", value, renderer=DJANGO
    )


@pytest.mark.parametrize("value", [None, "", "0", "Tom & Jerry <b>", mark_safe("<i>x</i>"), 42])
@pytest.mark.parametrize("attrs", ATTRS)
def test_each_textarea_is_written_as_djangos_template_writes_it(value, attrs):
    textarea = forms.Textarea(attrs)
    assert textarea.render("note", value, renderer=OURS) == textarea.render(
        "note", value, renderer=DJANGO
    )


def test_the_portal_uses_it_and_other_widgets_keep_djangos_templates():
    assert isinstance(get_default_renderer(), FormRenderer)
    radio = forms.RadioSelect(choices=[("a", "A & B"), ("b", "B")])
    assert radio.render("r", "a", renderer=OURS) == radio.render("r", "a", renderer=DJANGO)

    class OwnOptions(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    own = OwnOptions(choices=[("a", "A")])
    assert "<label>" in own.render("s", "a", renderer=OURS)  # the template named
    assert own.render("s", "a", renderer=OURS) == own.render("s", "a", renderer=DJANGO)
