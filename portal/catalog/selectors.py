"""Reads of the catalog, always for one partner."""

import datetime
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from portal.accounts.models import Partner
from portal.pricing import Charge, PricedProduct, PriceTable, Term, Tier

from .models import ContractedPrice, Product


def products_enabled_for(partner: Partner) -> QuerySet[Product]:
    return partner.products.filter(is_active=True).order_by("position", "code")


def price_table_for(partner: Partner, on: datetime.date | None = None) -> PriceTable:
    """The partner's contracted prices in force ``on`` (today) for the products its
    agreement enables, in one query: per product, the tiers of the latest date not after it."""
    on = on or timezone.localdate()
    return table_in_force(partner, price_rows_for(partner, until=on), on)


def price_rows_for(partner: Partner, until: datetime.date | None = None) -> list[ContractedPrice]:
    """The partner's contracted prices (of every date, or of dates not after ``until``) for
    the products its agreement enables, in the order ``table_in_force`` reads them."""
    rows = ContractedPrice.objects.filter(
        partner=partner, product__in=products_enabled_for(partner=partner)
    )
    if until is not None:
        rows = rows.filter(effective_from__lte=until)
    return list(
        rows.select_related("product").order_by(
            "product__position", "product__code", "-effective_from", "min_quantity"
        )
    )


def table_in_force(partner: Partner, rows: list[ContractedPrice], on: datetime.date) -> PriceTable:
    """The price table in force ``on`` from ``price_rows_for``'s rows: per product, the tiers
    of the latest date not after ``on``."""
    tiers: dict[str, list[Tier]] = defaultdict(list)
    since: dict[str, datetime.date] = {}
    products: dict[str, Product] = {}
    for row in rows:
        # A product is sold on its own term; tiers for other terms are kept for later use.
        if row.term != row.product.term or row.effective_from > on:
            continue
        code = row.product.code
        if since.setdefault(code, row.effective_from) != row.effective_from:
            continue  # an earlier price, replaced by the one in force
        products[code] = row.product
        tiers[code].append(Tier(row.min_quantity, row.unit_price))
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
