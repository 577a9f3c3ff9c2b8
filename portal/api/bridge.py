"""The screens' messages under the API's field names.

Orders and change orders: the input serializers parse JSON into plain values, the views call the
same rules as the screens (``orders.rules``, ``changes.proposal``, ``companies.seats``) and put
what they say under the API's names here: a product's seats as ``products.C1``, the order as a
whole as ``non_field_errors``. Prospects and users still run their screens' forms
(``raise_form_errors``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import ChoiceField, Field, ModelChoiceField

from portal.accounts.selectors import implementation_leads_for

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


def product_data(products: list[dict] | None) -> dict:
    """``[{"code": "C1", "seats": 12}]`` as the prospect form's tick boxes and seat fields."""
    data = {}
    for item in products or []:
        data[f"product_{item['code']}"] = "on"
        if item.get("seats") is not None:
            data[f"seats_{item['code']}"] = str(item["seats"])
    return data


def field_name(name: str) -> str:
    for prefix in ("product_", "seats_"):
        if name.startswith(prefix):
            return f"products.{name.removeprefix(prefix)}"
    return name


def raise_form_errors(form, renames: dict[str, str] | None = None) -> None:
    """The form's messages under the API's field names, as a 400."""
    renames = renames or {}
    fields: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = renames.get(name, field_name(name))
        fields.setdefault(key, []).extend(messages)
    raise FieldErrors(fields)


def check_products(form, products: list[dict] | None) -> None:
    refuse_unknown(form.products, products)
