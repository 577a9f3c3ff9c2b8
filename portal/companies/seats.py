"""The seat rules of a company's products: the prospect form, the upload, the order and the
change order (screens and API) all check seats here."""

from portal.catalog.models import Product

MAX_USERS = 1_000_000


def seats_error(product_name: str, seats: int | None, users: int | None) -> str:
    if not seats:
        return f"Enter the seats for {product_name}."
    if users and seats > users:
        return f"At most the {users} permitted users."
    return ""


def own_seats_errors(products: dict[Product, int | None], users: int | None) -> dict[str, str]:
    """Product code → why its own seat count will not do, for each product that takes one."""
    errors = {}
    for product, seats in products.items():
        if product.needs_own_seats and (message := seats_error(product.name, seats, users)):
            errors[product.code] = message
    return errors
