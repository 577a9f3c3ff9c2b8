from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from portal.catalog.models import Commitment

register = template.Library()


@register.filter
def quantity(value) -> str:
    """A Change Order Summary quantity; "—" where the product is not in that version (added
    or dropped), on the review and in the addendum alike."""
    return "—" if value is None else intcomma(value)


@register.filter
def commitment_label(value) -> str:
    """A line's term ("1y") as the screens name it ("1-year commitment"); "" for none."""
    return Commitment(value).label if value else ""


@register.filter
def initial_of(timing, quote):
    """Total Initial Fees of a priced change (its new fees and prorated charges), as an
    amount."""
    return timing.initial(quote).amount
