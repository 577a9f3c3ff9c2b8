"""Partners (the MSP tenants) and the people who sign in."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Partner(models.Model):
    """A managed service provider: one tenant of the portal."""

    name = models.CharField(max_length=200, unique=True)
    currency = models.CharField(max_length=3, default="USD")
    msa_version = models.CharField("MSA version accepted", max_length=40, blank=True)
    downsell_notice_days = models.PositiveSmallIntegerField(default=3)
    products = models.ManyToManyField(
        "catalog.Product",
        blank=True,
        related_name="partners",
        help_text="Products and add-ons enabled by the partner's agreement with the vendor.",
    )
    require_two_step = models.BooleanField(
        "Require two-step verification",
        default=False,
        help_text="Every user of this MSP must use an authenticator app or a passkey to sign in.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # E-mail addresses are matched without regard to case at login.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class DateOrder(models.TextChoices):
    """How a spreadsheet of the user's region writes a date: which comes first, day or month.
    Asked on Upload Prospects when a file's dates could be read either way."""

    DAY_FIRST = "dmy", "Day first: 03/04/2027 is 3 April 2027"
    MONTH_FIRST = "mdy", "Month first: 03/04/2027 is March 4, 2027"


class DecimalMark(models.TextChoices):
    """How a spreadsheet of the user's region writes a number: 1,250.5 or 1.250,5."""

    POINT = ".", "1,250 is one thousand two hundred and fifty (a decimal point: 2.5)"
    COMMA = ",", "1.250 is one thousand two hundred and fifty (a decimal comma: 2,5)"


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in with an e-mail address.

    MSP users belong to one partner and have a role; vendor staff (``is_staff``) belong to none.
    """

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        SALES = "sales", "Sales"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    is_implementation_lead = models.BooleanField(
        "MSP Implementation Lead",
        default=False,
        help_text="Can be picked as implementation lead or secondary contact; receives RFI links.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("vendor staff", default=False)
    # Bumped each time a set-password link (invitation or reset) is sent: it is part of the
    # link's token, so only the newest link works.
    link_generation = models.PositiveIntegerField(default=0, editable=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The regional format of the user's spreadsheets, as last answered on Upload Prospects:
    # offered again on the next upload ("" until answered once).
    upload_date_order = models.CharField(max_length=3, choices=DateOrder.choices, blank=True)
    upload_decimal_mark = models.CharField(max_length=1, choices=DecimalMark.choices, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(partner__isnull=True) | ~models.Q(role=""),
                name="msp_user_has_role",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @property
    def is_msp_user(self) -> bool:
        return self.partner_id is not None

    @property
    def is_msp_admin(self) -> bool:
        return self.partner_id is not None and self.role == self.Role.ADMIN


class SecurityEvent(models.Model):
    """One line of an MSP's security log: who signed in, failed, was locked out, changed their
    two-step verification, made or revoked a token, or had their role or status changed.

    Written by ``portal.accounts.security.record``. An event about an address that matches no
    user (a failed sign-in with an unknown e-mail) has no partner: only vendor staff see it.
    """

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        SIGN_OUT = "sign_out", "Signed out"
        SESSION_ENDED = "session_ended", "Session ended"
        SESSION_EXPIRED = "session_expired", "Session expired"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "password_reset", "Password set by e-mailed link"
        TWO_STEP_ENABLED = "two_step_enabled", "Two-step verification turned on"
        TWO_STEP_DISABLED = "two_step_disabled", "Two-step verification turned off"
        TWO_STEP_FAILED = "two_step_failed", "Two-step verification failed"
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "Recovery codes renewed"
        PASSKEY_ADDED = "passkey_added", "Passkey added"
        PASSKEY_REMOVED = "passkey_removed", "Passkey removed"
        TWO_STEP_REQUIRED_CHANGED = "two_step_required_changed", "Two-step requirement changed"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        ROLE_CHANGED = "role_changed", "Role changed"
        USER_INVITED = "user_invited", "User invited"
        USER_DEACTIVATED = "user_deactivated", "User deactivated"
        USER_REACTIVATED = "user_reactivated", "User reactivated"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="security_events"
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField("e-mail given", max_length=254, blank=True)
    ip = models.GenericIPAddressField("address", null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["partner", "-created_at"], name="security_partner_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.email or self.user_id}"


class UserSession(models.Model):
    """A signed-in browser of a user, so that they can see where they are signed in and end
    a session. The session itself lives in Django's session store under ``session_key``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
