"""The checks of a user's details that the Users screen's forms and the API share, in Django's
words (the forms' fields say the same). Whether an address is taken is the service's to say:
only one of the MSP's own users may be told (see ``services.user_invite``)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.forms import Field

from .models import User

NAME_MAX_LENGTH = User._meta.get_field("full_name").max_length
EMAIL_MAX_LENGTH = 254
REQUIRED = Field.default_error_messages["required"]


def normalized_email(value: str) -> str:
    return value.strip().lower()


def user_errors(*, full_name: str, email: str | None = None) -> dict[str, list[str]]:
    """Field → messages for a user's details, in the forms' order. ``email`` is given when
    inviting: a new user is invited by name and address."""
    inviting = email is not None
    errors = {"full_name": name_errors(full_name, required=inviting)}
    if inviting:
        errors["email"] = email_errors(email)
    return {name: messages for name, messages in errors.items() if messages}


def name_errors(full_name: str, *, required: bool) -> list[str]:
    name = full_name.strip()
    if not name:
        return [REQUIRED] if required else []
    return _errors(name, MaxLengthValidator(NAME_MAX_LENGTH))


def email_errors(email: str) -> list[str]:
    address = email.strip()
    if not address:
        return [REQUIRED]
    return _errors(address, validate_email, MaxLengthValidator(EMAIL_MAX_LENGTH))


def _errors(value: str, *validators) -> list[str]:
    """Every validator's message, in order, as a form field's ``run_validators`` lists them."""
    messages = []
    for validator in validators:
        try:
            validator(value)
        except ValidationError as exc:
            messages.extend(exc.messages)
    return messages
