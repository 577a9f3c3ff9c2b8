"""Money on screen: the currency, thousands separators, cents (more only where a price has them)."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(amount, currency: str = "") -> str:
    """``USD 2,011.90``; a unit price keeps fractions of a cent it really has (``USD 0.0125``)."""
    if amount in (None, ""):
        return "—"
    value = Decimal(amount)
    places = max(2, -value.normalize().as_tuple().exponent)
    text = f"{value:,.{places}f}"
    return f"{currency} {text}".strip()
