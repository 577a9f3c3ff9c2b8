"""Setting and clearing the MSP's selling prices, each with its History Log entry (MSP only:
the vendor's console never lists them)."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from portal.core import events
from portal.core.history import history_record
from portal.core.models import HistoryEntry
from portal.pricing.selling import SellingRule

from .models import SellingPrice


def _subject(product, company) -> str:
    return f"{product.code} for {company.name}" if company else f"{product.code} in the price book"


def _record(*, actor, price: SellingPrice, company, summary: str, before: str, after: str):
    events.publish(events.Happened(events.PRICES_SET, partner=price.partner, company=company))
    history_record(
        actor=actor,
        # A customer's own price is in its History Log; the price book's in the book's.
        obj=company if company is not None else price,
        action=HistoryEntry.Action.UPDATE,
        summary=summary,
        changes={f"Your price of {price.product.code}": [before, after]},
        msp_only=True,
    )


def selling_price_set(
    *, partner, product, basis: str, amount: Decimal, actor, company=None
) -> SellingPrice:
    """Set the partner's selling price of ``product`` (for ``company`` alone, if given). The
    rule is checked as the pricing engine reads it; two requests at once leave one row."""
    SellingRule(basis, amount)  # raises ValueError for a rule the engine would refuse
    if company is not None and company.partner_id != partner.pk:
        raise ValueError("a customer's price is set by its own MSP")
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                price = (
                    SellingPrice.objects.select_for_update()
                    .filter(partner=partner, product=product, company=company)
                    .first()
                )
                before = price.describe() if price else _inherited(company)
                if price is None:
                    price = SellingPrice(partner=partner, product=product, company=company)
                elif price.basis == basis and price.amount == amount:
                    return price  # the same again (a retried post): nothing changes
                price.basis, price.amount, price.updated_by = basis, amount, actor
                price.save()
                after = price.describe()
                _record(
                    actor=actor,
                    price=price,
                    company=company,
                    summary=f"Your price of {_subject(product, company)} set to {after}",
                    before=before,
                    after=after,
                )
                return price
        except IntegrityError:
            if attempt == 2:
                raise
            # Another request created the row first: the second try updates it.
    raise AssertionError("unreachable")  # the second attempt returns or raises


def selling_price_clear(*, partner, product, actor, company=None) -> bool:
    """Remove the selling price (a customer's: the price book's applies again). False when
    there was none."""
    with transaction.atomic():
        price = (
            SellingPrice.objects.select_for_update()
            .filter(partner=partner, product=product, company=company)
            .first()
        )
        if price is None:
            return False
        before = price.describe()
        _record(
            actor=actor,
            price=price,
            company=company,
            summary=f"Your price of {_subject(product, company)} removed",
            before=before,
            after=_inherited(company),
        )
        price.delete()
        return True


def _inherited(company) -> str:
    return "the price book's" if company is not None else "none"
