from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A Change Order Summary quantity; "—" where the product is not in that version (added
    or dropped), on the review and in the addendum alike."""
    return "—" if value is None else intcomma(value)
