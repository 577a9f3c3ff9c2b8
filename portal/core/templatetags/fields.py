"""A form field with its label, help and errors: what ``core/_field.html`` shows, written out
in Python (that template, included some twenty times a page, was a tenth of the customer
page's rendering). A test compares it with the template it replaced over every kind of field."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def field_group(field, wide=False) -> str:
    errors = field.errors
    classes = "field" + (" field-wide" if wide else "") + (" has-error" if errors else "")
    required = ' <span aria-hidden="true">*</span>' if field.field.required else ""
    auto_id = conditional_escape(field.auto_id)
    help_text = ""
    if field.help_text:
        help_text = (
            f'<div class="help" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</div>'
        )
    shown = ""
    if errors:
        each = "".join(f'<p class="error">{conditional_escape(error)}</p>' for error in errors)
        shown = f'<div id="{auto_id}_error">{each}</div>'
    return mark_safe(  # noqa: S308 (every value above is escaped, the field's widget is safe)
        f'<div class="{classes}">\n'
        f'  <label for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{required}</label>\n"
        f"  {field}\n"
        f"  {help_text}\n"
        f"  {shown}\n"
        "</div>\n"
    )
