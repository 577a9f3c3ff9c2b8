"""Reads of the catalog, always for one partner."""

from collections import defaultdict

from django.db.models import QuerySet

from portal.accounts.models import Partner
from portal.pricing import Charge, PricedProduct, PriceTable, Term, Tier

from .models import ContractedPrice, Product


def products_enabled_for(partner: Partner) -> QuerySet[Product]:
    return partner.products.filter(is_active=True).order_by("position", "code")


def price_table_for(partner: Partner) -> PriceTable:
    """The partner's contracted prices for the products its agreement enables, in one query."""
    tiers: dict[str, list[Tier]] = defaultdict(list)
    products: dict[str, Product] = {}
    rows = (
        ContractedPrice.objects.filter(
            partner=partner, product__in=products_enabled_for(partner=partner)
        )
        .select_related("product")
        .order_by("product__position", "product__code", "min_quantity")
    )
    for row in rows:
        # A product is sold on its own term; tiers for other terms are kept for later use.
        if row.term != row.product.term:
            continue
        products[row.product.code] = row.product
        tiers[row.product.code].append(Tier(row.min_quantity, row.unit_price))
    return PriceTable(
        currency=partner.currency,
        products={
            code: PricedProduct(
                code=code,
                name=product.name,
                charge=Charge(product.charge),
                term=Term(product.term),
                tiers=tuple(tiers[code]),
            )
            for code, product in products.items()
        },
    )
