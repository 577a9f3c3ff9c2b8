"""Small filters for the charts: coordinates worked out in the template, and a table cell
shown as its kind wants (amounts with cents, counts with separators, nothing as a dash)."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def minus(value, other):
    return round(float(value) - float(other), 1)


@register.filter
def plus(value, other):
    return round(float(value) + float(other), 1)


@register.filter
def item(values, index):
    return values[index]


@register.filter
def figure(value):
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return intcomma(value)
    return value
