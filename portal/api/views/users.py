"""Users, for an MSP's Admins only (anyone else is told the endpoint does not exist, as on the
screens): the Users list, Create User (an invitation), the edit form, deactivate, reactivate and
invite again — each through the screen's own checks (``accounts.rules``) and service."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from portal.accounts.models import User
from portal.accounts.rules import user_errors
from portal.accounts.selectors import user_for, users_for
from portal.accounts.services import (
    LastAdminError,
    user_deactivate,
    user_invite,
    user_invite_again,
    user_reactivate,
    user_update,
)
from portal.accounts.user_forms import LEAD_HELP, ROLE_HELP

from ..errors import ApiError, FieldErrors
from ..idempotency import idempotent
from ..permissions import IsMspAdmin
from .base import PortalView

# The services' refusal codes, where the API names one otherwise.
RENAMED_CODES = {"self": "self_deactivation"}


class UserOut(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="Null only in the answer to an invitation that created no user."
    )
    email = serializers.EmailField()
    full_name = serializers.CharField()
    display_name = serializers.CharField(
        source="__str__", help_text="The full name, or the e-mail address when it is empty."
    )
    role = serializers.ChoiceField(User.Role.choices)
    is_implementation_lead = serializers.BooleanField(help_text=LEAD_HELP)
    is_active = serializers.BooleanField(help_text="False once deactivated.")
    invitation_pending = serializers.SerializerMethodField(
        help_text="Invited, and no password chosen yet: `invite-again` sends a fresh link."
    )
    last_login = serializers.DateTimeField(allow_null=True)
    date_joined = serializers.DateTimeField()

    def get_invitation_pending(self, user) -> bool:
        return not user.has_usable_password()


class UserInviteInput(serializers.Serializer):
    full_name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(
        allow_blank=True,
        help_text="They log in with it; the invitation to choose a password is sent here.",
    )
    role = serializers.ChoiceField(User.Role.choices, help_text=ROLE_HELP)
    is_implementation_lead = serializers.BooleanField(default=False, help_text=LEAD_HELP)


class UserUpdateInput(serializers.Serializer):
    full_name = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(User.Role.choices, help_text=ROLE_HELP)
    is_implementation_lead = serializers.BooleanField(help_text=LEAD_HELP)


def _refused(exc: ValidationError, **fields) -> ApiError:
    """A service's refusal in the current state (the last active Admin, yourself …): 409."""
    code = getattr(exc, "code", None) or "conflict"
    code = RENAMED_CODES.get(code, code)
    message = " ".join(exc.messages)
    return ApiError(
        message,
        status_code=status.HTTP_409_CONFLICT,
        code=code,
        fields={name: [message] for name in fields},
    )


def _service_errors(exc: ValidationError) -> FieldErrors:
    """A service's refusal of the input (an address taken meanwhile): the form's field."""
    if hasattr(exc, "error_dict"):
        return FieldErrors(exc.message_dict)
    return FieldErrors({"non_field_errors": exc.messages})


class UserAdminView(PortalView):
    permission_classes = [IsMspAdmin]

    def get_member(self, pk: int) -> User:
        return user_for(self.request.user, pk)


class UserListView(UserAdminView):
    @extend_schema(
        operation_id="users_list",
        responses=UserOut(many=True),
        summary="Users (Admins)",
        description="Every user of your MSP, active or deactivated, by name.",
    )
    def get(self, request):
        return Response(UserOut(users_for(request.user), many=True).data)

    @extend_schema(
        operation_id="users_create",
        request=UserInviteInput,
        responses={201: UserOut},
        summary="Create User: invite someone (Admins)",
        description="The new user has no password: an e-mail with a link to choose one is "
        "sent to `email`. An address is one login across all MSPs: one of your own users' "
        "is refused; any other one in use is answered alike but creates no user, and its "
        "owner is told (your MSP is not told whom the address belongs to).",
    )
    @idempotent
    def post(self, request):
        payload = UserInviteInput(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        if errors := user_errors(full_name=values["full_name"], email=values["email"]):
            raise FieldErrors(errors)
        try:
            # As typed: the service trims the name and lower-cases the address itself.
            member = user_invite(partner=request.user.partner, actor=request.user, **values)
        except ValidationError as exc:
            raise _service_errors(exc) from exc
        return Response(UserOut(member).data, status=status.HTTP_201_CREATED)


class UserDetailView(UserAdminView):
    @extend_schema(operation_id="users_read", responses=UserOut, summary="A user (Admins)")
    def get(self, request, pk: int):
        return Response(UserOut(self.get_member(pk)).data)

    @extend_schema(
        operation_id="users_update",
        request=UserUpdateInput,
        responses=UserOut,
        summary="Change a user's name, role and MSP Implementation Lead flag (Admins)",
        description="Demoting your MSP's last active Admin is refused (409, `last_admin`).",
    )
    def put(self, request, pk: int):
        return self._update(request, pk, partial=False)

    @extend_schema(
        operation_id="users_partial_update",
        request=UserUpdateInput(partial=True),
        responses=UserOut,
        summary="Change some of a user's name, role and MSP Implementation Lead flag (Admins)",
        description="Demoting your MSP's last active Admin is refused (409, `last_admin`).",
    )
    def patch(self, request, pk: int):
        return self._update(request, pk, partial=True)

    def _update(self, request, pk: int, *, partial: bool):
        member = self.get_member(pk)
        payload = UserUpdateInput(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        data = {
            "full_name": member.full_name,
            "role": member.role,
            "is_implementation_lead": member.is_implementation_lead,
            **payload.validated_data,
        }
        if errors := user_errors(full_name=data["full_name"]):
            raise FieldErrors(errors)
        try:
            user_update(user=member, actor=request.user, **data)
        except LastAdminError as exc:
            raise _refused(exc, role=True) from exc
        return Response(UserOut(member).data)


class UserDeactivateView(UserAdminView):
    @extend_schema(
        operation_id="users_deactivate",
        request=None,
        responses=UserOut,
        summary="Deactivate a user (Admins)",
        description="They can no longer log in or be picked as lead; their history stays. "
        "Refused (409) for your own account (`self_deactivation`) and for your MSP's last "
        "active Admin (`last_admin`). A deactivated user is answered as is.",
    )
    @idempotent
    def post(self, request, pk: int):
        member = self.get_member(pk)
        try:
            user_deactivate(user=member, actor=request.user)
        except ValidationError as exc:
            raise _refused(exc) from exc
        return Response(UserOut(member).data)


class UserReactivateView(UserAdminView):
    @extend_schema(
        operation_id="users_reactivate",
        request=None,
        responses=UserOut,
        summary="Reactivate a user (Admins)",
        description="They may log in again. An active user is answered as is.",
    )
    @idempotent
    def post(self, request, pk: int):
        member = user_reactivate(user=self.get_member(pk), actor=request.user)
        return Response(UserOut(member).data)


class UserInviteAgainView(UserAdminView):
    @extend_schema(
        operation_id="users_invite_again",
        request=None,
        responses=UserOut,
        summary="Send the invitation again (Admins)",
        description="A fresh link to choose a password, for a user who has not chosen one yet. "
        "Refused (409) once they have (`already_joined`) or while deactivated (`inactive`).",
    )
    @idempotent
    def post(self, request, pk: int):
        member = self.get_member(pk)
        try:
            user_invite_again(user=member, actor=request.user)
        except ValidationError as exc:
            raise _refused(exc) from exc
        return Response(UserOut(member).data)
