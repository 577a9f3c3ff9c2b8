"""The rules of an order that the screen's form and the API share: which products go together,
the seats, the order number, and the totals the user was shown. Plain values in, messages out;
no forms."""

from dataclasses import dataclass, field
from decimal import Decimal

from portal.catalog.models import Product
from portal.companies.seats import own_seats_errors
from portal.pricing import NoPrice, OrderQuote

from .models import Order
from .quote import order_quote

# A statement not ticked, on submitting an order and a change order.
UNTICKED = "Tick this box to confirm, or Save Prospect and Exit."
UNTICKED_REVIEW = "Tick this box to confirm."

TOTALS_MOVED = (
    "The totals have changed since they were shown (new prices, or a change still being "
    "priced): check them and submit again."
)


class PricesMoved(Exception):
    """The totals priced under the submit's lock are not the ones the user was shown."""

    def __init__(self, message: str = TOTALS_MOVED):
        super().__init__(message)
        self.message = message


def check_shown_total(quote: OrderQuote, shown: Decimal | None) -> None:
    """Refuse a submit at other Total Initial Fees than the user saw (None: none was shown)."""
    if shown is not None and shown != quote.totals.initial.amount:
        raise PricesMoved


def go_together(first: Product, second: Product) -> bool:
    """One may be added to the other."""
    return first in second.addable_to.all() or second in first.addable_to.all()


def replaces(first: Product, second: Product) -> bool:
    """One is an upgrade of the other."""
    return first in second.upgrades.all() or second in first.upgrades.all()


def missing_host(product: Product, chosen: set[Product]) -> str:
    """The products this one can only be added to ("S1 or S2"), when none of them is chosen."""
    hosts = set(product.addable_to.all())
    if hosts and not hosts & chosen:
        return " or ".join(sorted(host.code for host in hosts))
    return ""


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
        if names := missing_host(product, chosen):
            errors.append(f"{product.code} can only be added to {names}: choose one of them too.")
    for i, first in enumerate(primaries):
        for second in primaries[i + 1 :]:
            if not go_together(first, second) and not replaces(first, second):
                errors.append(f"{first.code} and {second.code} cannot be ordered together.")
    return errors


def no_price_message(exc: NoPrice) -> str:
    return f"{exc.code} has no contracted price for {exc.quantity:,}: ask the vendor."


# The seeds: "enter your Order Number, or, select the Order Number Not Required checkbox".
# Either one, never both: an order that names a purchase order and says it needs none would
# reach the vendor saying two things, and dropping the typed number silently would lose it.
# static/js/order_number.js says these same words (the templates hand them over) as the user
# types, next to the Order Number field; the server checks again on submit.
NUMBER_MISSING = "Enter the order number, or tick Order Number Not Required."
NUMBER_AND_NOT_REQUIRED = "Enter an order number or tick Order Number Not Required, not both."


def order_number_error(number: str, not_required: bool, *, submitting: bool) -> str:
    """What is wrong with the Order Number, "" if nothing. ``number`` as typed, trimmed. A
    number with Order Number Not Required is wrong even on a saved draft; a missing one only
    once the order is submitted."""
    if number and not_required:
        return NUMBER_AND_NOT_REQUIRED
    if submitting and not number and not not_required:
        return NUMBER_MISSING
    return ""


def statement_errors(accept_msa: bool, accept_authority: bool, *, unticked: str) -> dict:
    """Both statements must be ticked to submit: field → message for each that is not."""
    ticked = {"accept_msa": accept_msa, "accept_authority": accept_authority}
    return {name: unticked for name, yes in ticked.items() if not yes}


def key_error(key, company) -> str:
    """A submission key already used by another company's order."""
    if Order.objects.filter(idempotency_key=key).exclude(company=company).exists():
        return "This form was used for another order: open it again."
    return ""


@dataclass
class OrderCheck:
    """What the rules say of an order's products and seats, and its quote if they pass."""

    quote: OrderQuote | None = None
    seats: dict[str, str] = field(default_factory=dict)  # product code → message
    general: list[str] = field(default_factory=list)  # of the order as a whole


def order_check(
    partner,
    *,
    products: dict[Product, int | None],
    users: int | None,
    priceable: bool = True,
    shown: Decimal | None = None,
) -> OrderCheck:
    """The seats, then the product combination and its prices. ``priceable`` False: a product
    or the user count is not valid, so the order is not priced. ``shown``: the Total Initial
    Fees the user saw, when submitting; the submit checks them again under its lock, and
    here they are listed with the order's other problems."""
    check = OrderCheck(seats=own_seats_errors(products, users))
    if priceable and not check.seats:
        if errors := product_errors(products):
            check.general = errors
        else:
            try:
                check.quote = order_quote(partner, products, users)
                check_shown_total(check.quote, shown)
            except NoPrice as exc:
                check.general = [no_price_message(exc)]
            except PricesMoved as exc:
                check.general = [exc.message]
    return check
