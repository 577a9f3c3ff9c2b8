from django import template

register = template.Library()


@register.filter
def change_value(value) -> str:
    """A before or after value of the History Log: a list reads as "S1, C1", nothing as "—"."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or "—"
    if value in (None, ""):
        return "—"
    return str(value)
