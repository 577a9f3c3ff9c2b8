"""An agreement version's stored rows as pricing lines and totals.

The rows carry the prices copied at order time, so these read them as they are and never
re-price: the addendum and a later change quote must show what the customer signed for.
"""

from portal.pricing import Line, Money, Totals

from .models import Agreement


def agreement_lines(agreement: Agreement) -> list[Line]:
    """The agreement's lines in their stored order (one query, or none when prefetched)."""
    currency = agreement.currency
    return [
        Line(
            code=row.code,
            name=row.name,
            term=row.term,
            charge=row.charge,
            quantity=row.quantity,
            unit_price=Money(row.unit_price, currency),
            # The stored payment, not quantity x unit price again: it is the amount agreed.
            payment=Money(row.payment, currency),
        )
        for row in agreement.lines.all()
    ]


def agreement_totals(agreement: Agreement) -> Totals:
    """The four totals of the agreement (Total Initial Fees is ``.initial``)."""
    return Totals.of(agreement_lines(agreement), agreement.currency)
