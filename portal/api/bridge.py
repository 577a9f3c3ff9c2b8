"""The API runs the screens' own forms: JSON in, the form's data out, the form's errors back.

So a rule (a name taken, a seat count above the permitted users, an order number *or* Not
Required) is written once, in the form, and the API answers with the same sentence the screen
shows, next to the same field.
"""

from .errors import FieldErrors


def product_data(products: list[dict] | None) -> dict:
    """``[{"code": "C1", "seats": 12}]`` as the product tick boxes and seat fields."""
    data = {}
    for item in products or []:
        data[f"product_{item['code']}"] = "on"
        if item.get("seats") is not None:
            data[f"seats_{item['code']}"] = str(item["seats"])
    return data


def unknown_products(form, products: list[dict] | None) -> list[str]:
    offered = {product.code for product in form.products}
    return sorted({item["code"] for item in products or []} - offered)


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
    if unknown := unknown_products(form, products):
        raise FieldErrors(
            {"products": [f"Not a product your MSP's agreement enables: {', '.join(unknown)}."]}
        )
