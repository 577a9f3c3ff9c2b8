"""What an order of a prospect's products costs at the partner's contracted prices."""

from portal.catalog.models import Product
from portal.catalog.selectors import price_table_for
from portal.pricing import OrderQuote, price_order


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


def prospect_quote(company, enabled: list[Product]) -> OrderQuote | None:
    """The prospect's products as saved, priced; None while they cannot be (no price, or a
    seat count or the user count not given yet)."""
    seats = {item.product_id: item.seats for item in company.products.all()}
    products = {p: seats[p.pk] for p in enabled if p.pk in seats}
    if not products or not company.permitted_users:
        return None
    try:
        return order_quote(company.partner, products, company.permitted_users)
    except (ValueError, TypeError):  # no price, or a seat count not given yet
        return None
