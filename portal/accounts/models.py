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
    date_joined = models.DateTimeField(default=timezone.now)

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
