"""What an order of a prospect's products costs at the partner's contracted prices."""

from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for
from portal.pricing import NoPrice, OrderQuote, price_order


def order_quantities(products: dict[Product, int | None], users: int) -> dict[str, int]:
    """Per product: its own seats where it takes them, else the permitted users (a flat
    product is priced once, whatever the quantity)."""
    return {
        product.code: seats if product.needs_own_seats else users
        for product, seats in products.items()
    }


def order_quote(partner, products: dict[Product, int | None], users: int) -> OrderQuote:
    """Priced lines and the four totals; raises NoPrice for a product without a price."""
    return price_order(price_table_for(partner=partner), order_quantities(products, users))


def product_errors(products: dict[Product, int | None]) -> list[str]:
    """What makes a set of products impossible to order together, in the user's words."""
    errors = []
    primaries = [p for p in products if p.kind == Product.Kind.PRIMARY]
    if not primaries:
        return ["Choose at least one primary product."]
    chosen = set(products)
    for product in products:
        replaced = chosen & set(product.upgrades.all())
        for old in replaced:
            errors.append(f"{product.code} replaces {old.code}: choose one of them.")
        hosts = set(product.addable_to.all())
        if hosts and not hosts & chosen:
            names = " or ".join(sorted(host.code for host in hosts))
            errors.append(f"{product.code} can only be added to {names}: choose one of them too.")
    for i, first in enumerate(primaries):
        for second in primaries[i + 1 :]:
            combinable = first in second.addable_to.all() or second in first.addable_to.all()
            upgrade = first in second.upgrades.all() or second in first.upgrades.all()
            if not combinable and not upgrade:
                errors.append(f"{first.code} and {second.code} cannot be ordered together.")
    return errors


def no_price_message(exc: NoPrice) -> str:
    return f"{exc.code} has no contracted price for {exc.quantity:,}: ask the vendor."
