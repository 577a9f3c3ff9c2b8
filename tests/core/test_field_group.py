"""``{% field_group %}`` writes a field with its label, help and errors exactly as the template
it replaced did, whatever the field, its errors and its texts."""

import pytest
from django import forms
from django.template import Context, Template, engines
from django.utils.safestring import mark_safe

# core/_field.html as it was before the tag wrote it out.
TEMPLATE = (
    '<div class="field{% if wide %} field-wide{% endif %}{% if field.errors %} has-error'
    '{% endif %}">\n  <label for="{{ field.id_for_label }}">{{ field.label }}'
    '{% if field.field.required %} <span aria-hidden="true">*</span>{% endif %}</label>\n'
    "  {{ field }}\n"
    '  {% if field.help_text %}<div class="help" id="{{ field.auto_id }}_helptext">'
    "{{ field.help_text }}</div>{% endif %}\n"
    '  {% if field.errors %}<div id="{{ field.auto_id }}_error">{% for error in field.errors %}'
    '<p class="error">{{ error }}</p>{% endfor %}</div>{% endif %}\n'
    "</div>\n"
)


class TheForm(forms.Form):
    plain = forms.CharField(label="Name & <role>", max_length=5)
    helped = forms.IntegerField(
        required=False, min_value=1, help_text="Up to 5 <b>seats</b> & more"
    )
    safe_help = forms.CharField(required=False, help_text=mark_safe("See <a href='#x'>x</a>"))
    choice = forms.ChoiceField(choices=[("", "—"), ("a", "A & B")])
    text = forms.CharField(widget=forms.Textarea, required=False)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    check = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        self.add_error("helped", 'A second message with "quotes" & <tags>')
        return super().clean()


@pytest.mark.parametrize(
    "data", [None, {}, {"plain": "too long <x>", "helped": "0", "choice": "z"}]
)
@pytest.mark.parametrize("wide", [None, True, 1, ""])
@pytest.mark.parametrize("prefix", [None, "contact"])
def test_the_tag_writes_what_the_template_wrote(data, wide, prefix):
    form = TheForm(data, prefix=prefix)
    old = Template(TEMPLATE)
    new = engines["django"].from_string("{% load fields %}{% field_group field wide %}")
    for field in form:
        context = {"field": field} | ({"wide": wide} if wide is not None else {})
        assert new.render(context) == old.render(Context(context)), field.name


def test_the_page_template_uses_the_tag():
    page = engines["django"].get_template("core/_field.html")
    form = TheForm({"plain": "x"})
    html = page.render({"field": form["plain"], "wide": True})
    assert html.startswith('<div class="field field-wide">\n  <label for="id_plain">')
