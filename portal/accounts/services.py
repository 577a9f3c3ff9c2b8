"""Every write to an MSP's users: one function per action, each with its history entry.

Users are never deleted: a person who leaves is *deactivated*. They can no longer log in or be
picked as implementation lead, and every history entry, prospect and order that names them
keeps doing so. Deactivation is therefore the "delete" of the users page.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.core import events
from portal.core.history import changed_fields, history_record
from portal.core.models import HistoryEntry, OutgoingMessage
from portal.core.outbox import message_queue

from .email_limits import TooManyEmails, invitation_take
from .links import set_password_path
from .models import Partner, User
from .security import Kind, record

logger = logging.getLogger(__name__)

ADDRESS_TAKEN_TEMPLATE = "user_invitation_address_taken"

EMAIL_TAKEN = "This address is already one of your MSP's users. Each person needs their own."
LAST_ADMIN = (
    "{name} is the last active Admin of {partner}. Make another user an Admin first, "
    "so that someone can still manage the users."
)

SELF_DEACTIVATION = "You cannot deactivate your own account. Ask another Admin to do it."


class LastAdminError(ValidationError):
    """The change would leave the partner without an active Admin."""


class EmailTakenError(ValidationError):
    """The e-mail address belongs to another user (of any MSP, in any letter case)."""


class SelfDeactivationError(ValidationError):
    """An Admin tried to deactivate their own account."""


def _history_values(user: User) -> dict:
    """The user's fields under the labels people see, so the History Log reads as-is."""
    return {
        "E-mail": user.email,
        "Full name": user.full_name,
        "Role": user.get_role_display(),
        "MSP Implementation Lead": "Yes" if user.is_implementation_lead else "No",
        "Status": "Active" if user.is_active else "Deactivated",
    }


def _ensure_admin_remains(*, user: User) -> None:
    """Refuse if ``user`` is the partner's only active Admin (call before demoting/deactivating).

    The partner's active Admin rows are locked first: two Admins demoting each other at the same
    moment queue here, and the second one re-reads the rows after the first has committed — so it
    sees that only one Admin is left and is refused.
    """
    admins = list(
        User.objects.select_for_update()
        .filter(partner_id=user.partner_id, role=User.Role.ADMIN, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if admins == [user.pk]:
        raise LastAdminError(LAST_ADMIN.format(name=user, partner=user.partner), code="last_admin")


def _valid_for_words(seconds: int) -> str:
    """``PASSWORD_RESET_TIMEOUT`` in words: "3 days", "1 day", "12 hours", "30 minutes"."""
    for unit, size in (("day", 86400), ("hour", 3600)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    count = max(1, seconds // 60)
    return f"{count} minute{'' if count == 1 else 's'}"


def _changed_summary(changes: dict) -> str:
    names = [name if name.startswith("MSP") else name.lower() for name in changes]
    return f"Changed {', '.join(names)}"


def _queue_invitation(*, user: User, actor) -> None:
    """The invitation: a link to the set-password page, valid for PASSWORD_RESET_TIMEOUT.

    The link stops working once the user has chosen a password, after the timeout, when a newer
    link is sent, or when the user is deactivated (``links``). Raises ``TooManyEmails`` past
    the hourly limits.
    """
    try:
        invitation_take(partner_id=user.partner_id, email=user.email)
    except TooManyEmails as exc:
        raise ValidationError(
            f"Too many invitations were sent in the last hour. {exc}", code="throttled"
        ) from exc
    path = set_password_path(user)
    message_queue(
        template="user_invitation",
        to=[user.email],
        context={
            "user": user,
            "inviter": actor,
            "partner": user.partner,
            "role": user.get_role_display(),
            "set_password_path": path,
            "valid_for": _valid_for_words(settings.PASSWORD_RESET_TIMEOUT),
        },
        partner=user.partner,
    )


def _notify_address_owner(*, owner: User, partner: Partner, actor) -> None:
    """Another MSP's user was invited: they are told (neutrally, at most once a day, so an MSP
    cannot flood them through the form) why the invitation they may expect never comes."""
    logger.info(
        "User %s of another MSP invited by partner %s: nothing created", owner.pk, partner.pk
    )
    recently = timezone.now() - datetime.timedelta(days=1)
    if (
        OutgoingMessage.objects.filter(
            template=ADDRESS_TAKEN_TEMPLATE, partner=owner.partner, created_at__gte=recently
        )
        .filter(to=[owner.email])
        .exists()
    ):
        return
    message_queue(
        template=ADDRESS_TAKEN_TEMPLATE,
        to=[owner.email],
        context={"owner": owner, "inviter": actor, "partner": partner},
        partner=owner.partner,  # the recipient's: never listed as the inviting MSP's mail
    )


@transaction.atomic
def user_invite(
    *,
    partner: Partner,
    actor,
    email: str,
    full_name: str,
    role: str,
    is_implementation_lead: bool,
) -> User:
    """A new user of ``partner`` with no password yet, and the e-mail that lets them choose one.

    An address is one login. If one of ``partner``'s own users has it, that is said next to the
    field. If another MSP's user has it, nothing is created and the inviter gets the answer a
    new address gets (the user is returned unsaved): telling them would let any MSP find out
    who works with another. The address's owner gets a neutral notice instead.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    user = User(
        email=email,
        full_name=full_name.strip(),
        partner=partner,
        role=User.Role(role),
        is_implementation_lead=is_implementation_lead,
    )
    user.set_unusable_password()
    owner = User.objects.filter(email__iexact=email).first()
    if owner is None:
        try:
            with transaction.atomic():  # a savepoint: the same address added at the same moment
                user.save()
        except IntegrityError as exc:
            owner = User.objects.filter(email__iexact=email).first()
            if owner is None:
                raise EmailTakenError({"email": EMAIL_TAKEN}) from exc
    if owner is not None:
        if owner.partner_id == partner.pk:
            raise EmailTakenError({"email": EMAIL_TAKEN})
        _notify_address_owner(owner=owner, partner=partner, actor=actor)
        return user
    history_record(
        actor=actor,
        obj=user,
        action=HistoryEntry.Action.CREATE,
        summary=f"User {user} invited as {user.get_role_display()}",
        changes=changed_fields({}, _history_values(user)),
    )
    _queue_invitation(user=user, actor=actor)
    record(Kind.USER_INVITED, user=user, actor=actor, detail=user.get_role_display())
    return user


@transaction.atomic
def user_invite_again(*, user: User, actor) -> None:
    """A fresh invitation for a user who has not chosen a password yet (the first expired)."""
    if user.has_usable_password():
        raise ValidationError(f"{user} has already chosen a password.", code="already_joined")
    if not user.is_active:
        raise ValidationError(f"{user} is deactivated. Reactivate them first.", code="inactive")
    history_record(
        actor=actor,
        obj=user,
        action=HistoryEntry.Action.UPDATE,
        summary=f"Invitation sent again to {user.email}",
    )
    _queue_invitation(user=user, actor=actor)
    record(Kind.USER_INVITED, user=user, actor=actor, detail="invitation sent again")


@transaction.atomic
def user_update(
    *, user: User, actor, role: str, is_implementation_lead: bool, full_name: str
) -> User:
    """Change a user's name, role and MSP Implementation Lead flag.

    Raises ``LastAdminError`` when this would demote the partner's last active Admin.
    """
    role = User.Role(role)
    if role != User.Role.ADMIN:
        _ensure_admin_remains(user=user)
    before = _history_values(user)
    user.full_name = full_name.strip()
    user.role = role
    user.is_implementation_lead = is_implementation_lead
    user.save(update_fields=["full_name", "role", "is_implementation_lead"])
    changes = changed_fields(before, _history_values(user))
    if "Full name" in changes:
        events.publish(events.Happened(events.USER_RENAMED, partner=user.partner, user=user))
    if "Role" in changes:
        before_role, after_role = changes["Role"]
        record(Kind.ROLE_CHANGED, user=user, actor=actor, detail=f"{before_role} → {after_role}")
    if changes:
        history_record(
            actor=actor,
            obj=user,
            action=HistoryEntry.Action.UPDATE,
            summary=_changed_summary(changes),
            changes=changes,
        )
    return user


def revoke_tokens(user: User) -> int:
    """A user's API tokens end with their deactivation for good: a reactivated user makes
    new ones, and a token that leaked while they were away does not come back to life."""
    return user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    """The user can no longer log in or be picked as lead; their history stays.

    Their open sessions end too: Django's authentication backend refuses inactive users on
    every request. Raises ``LastAdminError`` for the partner's last active Admin.
    """
    if not user.is_active:
        return user
    _ensure_admin_remains(user=user)
    if getattr(actor, "pk", None) == user.pk:
        raise SelfDeactivationError(SELF_DEACTIVATION, code="self")
    _switch(user, actor, active=False)
    return user


def _switch(user: User, actor, *, active: bool) -> None:
    """Deactivate or reactivate, with the history entry and the security log. Tokens are
    revoked both ways: on reactivation, any a deactivation made another way left behind."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    revoked = revoke_tokens(user)
    verb, old = ("reactivated", "old ") if active else ("deactivated", "")
    tokens = f"; {revoked} {old}API token{'s' if revoked != 1 else ''} revoked" if revoked else ""
    states = ["Deactivated", "Active"] if active else ["Active", "Deactivated"]
    history_record(
        actor=actor,
        obj=user,
        action=HistoryEntry.Action.STATUS,
        summary=f"User {user} {verb}{tokens}",
        changes={"Status": states},
    )
    record(Kind.USER_REACTIVATED if active else Kind.USER_DEACTIVATED, user=user, actor=actor)


@transaction.atomic
def user_reactivate(*, user: User, actor) -> User:
    """A deactivated user may log in (and be picked as lead) again."""
    if user.is_active:
        return user
    _switch(user, actor, active=True)
    return user
