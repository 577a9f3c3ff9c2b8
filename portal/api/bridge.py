"""The screens' messages under the API's field names.

The input serializers parse JSON into plain values; the views call the same rules as the screens
(``prospects.rules``, ``accounts.rules``, ``orders.rules``, ``changes.proposal``,
``companies.seats``) and put what they say under the API's names here: a product's seats as
``products.C1``, the input as a whole as ``non_field_errors``. What the screens' fields refuse
before any rule (a count out of range, a lead not offered) is refused here in Django's words.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import ChoiceField, Field, ModelChoiceField

from portal.accounts.selectors import implementation_leads_for
from portal.companies.seats import MAX_USERS

from .errors import FieldErrors

# The screens' parsing messages (Django's), so a JSON input is refused in the same words.
REQUIRED = Field.default_error_messages["required"]
NOT_A_CHOICE = ChoiceField.default_error_messages["invalid_choice"]  # % {"value": …}
NOT_ONE_OF_THEM = ModelChoiceField.default_error_messages["invalid_choice"]


class Problems:
    """Messages by API field name, in the order found; ``None`` for the input as a whole."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str | None, message: str) -> None:
        self.fields.setdefault(name or "__all__", []).append(str(message))

    def add_all(self, messages: dict[str, str]) -> None:
        for name, message in messages.items():
            self.add(name, message)

    def count(self, name: str, value: int, *, high: int, too_low: str = "") -> int | None:
        """A count of 1 to ``high``, as the screens' number fields take it; None if refused."""
        for validator in (MinValueValidator(1), MaxValueValidator(high)):
            if validator.compare(value, validator.limit_value):
                message = validator.message % {"limit_value": validator.limit_value}
                if too_low and validator.limit_value == 1:
                    message = too_low
                self.add(name, message)
                return None
        return value

    def lead(self, partner, pk: int | None, name: str = "implementation_lead"):
        """One of the MSP's implementation leads, by id, as the screens' lead menu takes it."""
        if pk is None:
            self.add(name, REQUIRED)
            return None
        lead = implementation_leads_for(partner).filter(pk=pk).first()
        if lead is None:
            self.add(name, NOT_ONE_OF_THEM)
        return lead

    def parse(self, name: str, field: Field, value):
        """``value`` as a screen's form field takes it (``field.clean``); None if refused."""
        try:
            return field.clean(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(name, message)
            return None

    def products(self, offered, wanted: list[dict]) -> tuple[dict, bool]:
        """The products asked for (``[{"code": "C1", "seats": 12}]``) → their own seats (None
        for a product without a count of its own), as the screens' tick boxes and seat fields
        take them; and whether every count given is valid, so that they can be priced."""
        codes = {item["code"] for item in wanted}
        seats = {item["code"]: item["seats"] for item in wanted if item.get("seats") is not None}
        products, priceable = {}, True
        for product in offered:
            if product.code not in codes:
                continue
            own = None
            if product.needs_own_seats and product.code in seats:
                own = self.count(f"products.{product.code}", seats[product.code], high=MAX_USERS)
                priceable = priceable and own is not None
            products[product] = own
        return products, priceable

    def raise_any(self) -> None:
        if self.fields:
            raise FieldErrors(self.fields)


def unknown_codes(offered, products: list[dict] | None) -> str:
    """The codes asked for that are not offered, as "X, Y" ("" when there are none)."""
    return ", ".join(sorted({item["code"] for item in products or []} - {p.code for p in offered}))


def refuse_unknown(offered, products: list[dict] | None) -> None:
    """Product codes the MSP's agreement does not enable, refused as one 400."""
    if unknown := unknown_codes(offered, products):
        raise FieldErrors({"products": [f"Not a product your MSP's agreement enables: {unknown}."]})
