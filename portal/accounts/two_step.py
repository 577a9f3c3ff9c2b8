"""Two-step verification: who needs it, the devices a user has, and every change to them.

The devices are django-otp's: an authenticator app (``TOTPDevice``), recovery codes
(``StaticDevice`` and its tokens) and passkeys (django-otp-webauthn's ``WebAuthnCredential``).
A session counts as verified once ``django_otp.login()`` has stored the device that passed;
``OTPMiddleware`` reads it back on every request.
"""

import math

import django_otp
from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import Partner, User
from .security import Kind, record

RECOVERY_CODE_COUNT = 10
VERIFIED_AT = "two_step_verified_at"  # session key: when this session last passed the step
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"

WRONG_CODE = (
    "That code is not right. Type the 6 digits your authenticator app shows now, "
    "or one of your recovery codes."
)
LAST_FACTOR = (
    "This is your last way to verify. To stop using two-step verification, "
    "use Turn Off Two-Step Verification."
)


class TwoStepError(Exception):
    """A refused two-step change or code; ``str()`` is the message for the page."""


class TwoStepRequiredError(TwoStepError):
    """The user may not go without two-step verification."""


# --- who needs it, and what they have -----------------------------------------------------


def required_reason(user: User) -> str:
    """Why the user must use two-step verification, or "" when it is their choice."""
    if user.is_staff:
        return "Vendor staff always use two-step verification."
    if user.partner_id and user.partner.require_two_step:
        return f"{user.partner} requires two-step verification for all its users."
    return ""


def is_required(user: User) -> bool:
    return bool(required_reason(user))


def authenticator_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def passkeys_for(user: User) -> QuerySet[WebAuthnCredential]:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_enabled(user: User) -> bool:
    """An authenticator app or a passkey: recovery codes alone are no second step.

    Asked on every request of a signed-in user who has not passed the step: one short query,
    written out (the ORM took longer to compile its two EXISTS than the database to answer)."""
    with connection.cursor() as cursor:
        cursor.execute(_ENABLED_SQL, [user.pk, user.pk])
        return bool(cursor.fetchone()[0])


_ENABLED_SQL = (
    f"SELECT EXISTS (SELECT 1 FROM {TOTPDevice._meta.db_table} WHERE user_id = %s AND confirmed)"
    f" OR EXISTS (SELECT 1 FROM {WebAuthnCredential._meta.db_table} "
    "WHERE user_id = %s AND confirmed)"
)


def enabled_user_ids(users: QuerySet[User]) -> set[int]:
    """Which of ``users`` have two-step verification on (for the Users list)."""
    with_app = TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id")
    with_key = WebAuthnCredential.objects.filter(user__in=users, confirmed=True).values_list(
        "user_id"
    )
    return {pk for (pk,) in with_app.union(with_key)}


def passkeys_available() -> bool:
    """Browsers make passkeys only for an https:// origin or http://localhost (settings)."""
    return bool(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)


# --- the session ---------------------------------------------------------------------------


def session_verify(request, device: Device) -> None:
    """Mark this session as having passed the second step, now, with ``device``."""
    django_otp.login(request, device)
    request.session[VERIFIED_AT] = timezone.now().timestamp()


def verified_recently(request) -> bool:
    """Whether the session passed the step within TWO_STEP_FRESH_MINUTES (for sensitive acts)."""
    if not request.user.is_verified():
        return False
    at = request.session.get(VERIFIED_AT)
    if at is None:
        return False
    age = timezone.now().timestamp() - at
    return 0 <= age <= settings.TWO_STEP_FRESH_MINUTES * 60


def _normalise(code: str) -> str:
    # People copy codes with spaces or dashes ("123 456", "abcd-efgh"); neither is part of one.
    return "".join(ch for ch in code if ch not in " -\t").lower()


def _wait_message(data: dict | None) -> str:
    until = (data or {}).get("locked_until")
    seconds = 1
    if until is not None:
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes in a row: try again in {seconds} {unit}."


def _check(device: Device, code: str) -> bool:
    """The library's own check, throttled, with the device row locked against a parallel try."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        raise TwoStepError(_wait_message(data))
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        accepted = locked.verify_token(code)
    if accepted:
        device.refresh_from_db()
    return accepted


def code_check(*, user: User, code: str, request=None, purpose: str = "sign-in") -> Device:
    """The device that accepts ``code``: the authenticator app's 6 digits or a recovery code
    (which is used up). Raises ``TwoStepError`` with the message for the page; a wrong or
    throttled code goes into the security log."""
    code = _normalise(code)
    if not code:
        raise TwoStepError("Type the code your authenticator app shows, or a recovery code.")
    if code.isdigit() and len(code) == 6:
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    try:
        for device in candidates:
            if _check(device, code):
                return device
        raise TwoStepError(WRONG_CODE)
    except TwoStepError as exc:
        detail = "too many wrong codes" if str(exc).startswith("Too many") else "wrong code"
        record(Kind.TWO_STEP_FAILED, user=user, request=request, detail=f"{detail} ({purpose})")
        raise


# --- changes -------------------------------------------------------------------------------


def authenticator_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret (replacing an unfinished one)."""
    if authenticator_for(user) is not None:
        raise TwoStepError("You have an authenticator app already. Remove it first.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def pending_authenticator_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


# Codes are checked outside any transaction the change opens: a refusal must not roll back
# the failure count that the library's throttling keeps on the device.


def authenticator_confirm(*, device: TOTPDevice, code: str, request=None) -> list[str]:
    """Turn the pending authenticator on once it proves to make the right codes.

    Returns new recovery codes when the user had none (to be shown once), else ``[]``.
    """
    if not _check(device, _normalise(code)):
        record(
            Kind.TWO_STEP_FAILED,
            user=device.user,
            request=request,
            detail="wrong code (setting up the authenticator app)",
        )
        raise TwoStepError(
            "That code is not right. Check that the app shows this account, and type the "
            "6 digits it shows now."
        )
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = [] if recovery_codes_left(device.user) else _recovery_codes_make(device.user)
        record(
            Kind.TWO_STEP_ENABLED,
            user=device.user,
            request=request,
            detail="authenticator app" + (" and recovery codes" if codes else ""),
        )
        return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request=None) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    codes = _recovery_codes_make(user)
    record(Kind.RECOVERY_CODES_REGENERATED, user=user, request=request)
    return codes


def _recovery_codes_make(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _refuse_last_factor(user: User) -> None:
    if reason := required_reason(user):
        raise TwoStepRequiredError(f"{reason} Add another way to verify before removing this one.")
    raise TwoStepError(LAST_FACTOR)


def authenticator_remove(*, user: User, code: str, request=None) -> None:
    device = authenticator_for(user)
    if device is None:
        raise TwoStepError("You have no authenticator app set up.")
    if not passkeys_for(user).exists():
        _refuse_last_factor(user)
    code_check(user=user, code=code, request=request, purpose="removing the authenticator app")
    with transaction.atomic():
        device.delete()
        record(
            Kind.TWO_STEP_DISABLED,
            user=user,
            request=request,
            detail="authenticator app removed; passkeys still verify",
        )


@transaction.atomic
def passkey_added(*, passkey: WebAuthnCredential, request=None) -> None:
    """The library saved the passkey: give it a name to tell it by, and log it."""
    passkey.name = f"Passkey added {timezone.localtime():%Y-%m-%d %H:%M}"
    passkey.save(update_fields=["name"])
    record(Kind.PASSKEY_ADDED, user=passkey.user, request=request, detail=passkey.name)


@transaction.atomic
def passkey_remove(*, user: User, passkey: WebAuthnCredential, request=None) -> None:
    if authenticator_for(user) is None and not passkeys_for(user).exclude(pk=passkey.pk).exists():
        _refuse_last_factor(user)
    passkey.delete()
    record(Kind.PASSKEY_REMOVED, user=user, request=request, detail=passkey.name)


def two_step_disable(*, user: User, code: str, recently_verified: bool, request=None) -> None:
    """Remove every device. Needs a current code; a passkey-only user (who has no code to
    type) may instead have verified with the passkey within the last few minutes."""
    if reason := required_reason(user):
        raise TwoStepRequiredError(reason)
    has_codes = authenticator_for(user) is not None or recovery_codes_left(user) > 0
    if not has_codes and not code and not recently_verified:
        raise TwoStepError(
            f"Verify with your passkey first (it counts for {settings.TWO_STEP_FRESH_MINUTES} "
            "minutes), then turn two-step verification off."
        )
    if code or has_codes or not recently_verified:
        code_check(user=user, code=code, request=request, purpose="turning it off")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        record(Kind.TWO_STEP_DISABLED, user=user, request=request)


@transaction.atomic
def partner_require_two_step(
    *, partner: Partner, required: bool, actor: User, request=None
) -> bool:
    """Set the MSP's rule; returns whether it changed."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.require_two_step == required:
        return False
    partner.require_two_step = required
    partner.save(update_fields=["require_two_step"])
    record(
        Kind.TWO_STEP_REQUIRED_CHANGED,
        partner=partner,
        actor=actor,
        request=request,
        detail="required for all users" if required else "left to each user",
    )
    return True
