"""The forms of the users page: Create User and the edit form."""

from django import forms

from portal.core.text import Form

from .models import User
from .rules import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, normalized_email

ROLE_HELP = (
    "Sales: prospects, orders and customers. Admin: all of that, plus managing your MSP's users."
)
LEAD_HELP = (
    "Can be picked as Implementation Lead or Secondary Implementation Contact on a prospect, "
    "and receives the Request for Information link."
)


class UserEditForm(Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=NAME_MAX_LENGTH,
        required=False,
        help_text="Shown in lists and drop-downs; the e-mail address is shown when it is empty.",
    )
    role = forms.ChoiceField(label="Role", choices=User.Role.choices, help_text=ROLE_HELP)
    is_implementation_lead = forms.BooleanField(
        label="MSP Implementation Lead", required=False, help_text=LEAD_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"

    @classmethod
    def for_user(cls, user: User, data=None) -> "UserEditForm":
        return cls(
            data,
            initial={
                "full_name": user.full_name,
                "role": user.role,
                "is_implementation_lead": user.is_implementation_lead,
            },
        )


class UserInviteForm(UserEditForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=EMAIL_MAX_LENGTH,
        help_text="They log in with it. The invitation to choose a password is sent here.",
    )

    field_order = ["full_name", "email", "role", "is_implementation_lead"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"role": User.Role.SALES})
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True  # a new user is invited by name
        self.fields["full_name"].help_text = ""
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self) -> str:
        # Whether the address is taken is the service's to say: only one of this MSP's own
        # users may be told (see ``user_invite``).
        return normalized_email(self.cleaned_data["email"])
