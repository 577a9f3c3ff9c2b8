from django import template

from portal.catalog.models import TERM_CHOICES

register = template.Library()
TERMS = dict(TERM_CHOICES)


@register.filter
def term_label(term) -> str:
    """A pricing term ("one_time") as the screens name it ("One Time")."""
    return TERMS.get(str(term), str(term))
