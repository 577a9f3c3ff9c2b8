"""Factory functions for tests and benchmarks: three personas (owner, team mate, outsider)."""

import itertools
from decimal import Decimal

from portal.accounts.models import Partner, User
from portal.catalog.models import ContractedPrice, Product
from portal.companies.models import Company

PASSWORD = "pw-for-tests"  # noqa: S105
_seq = itertools.count(1)


def make_partner(name: str | None = None, **fields) -> Partner:
    return Partner.objects.create(name=name or f"Partner {next(_seq)}", **fields)


def make_user(
    partner: Partner | None,
    *,
    role: str = User.Role.SALES,
    email: str | None = None,
    lead: bool = False,
    **fields,
) -> User:
    email = email or f"user{next(_seq)}@example.com"
    if partner is None:
        return User.objects.create_user(email, PASSWORD, is_staff=True, **fields)
    return User.objects.create_user(
        email, PASSWORD, partner=partner, role=role, is_implementation_lead=lead, **fields
    )


def make_product(code: str, **fields) -> Product:
    fields.setdefault("name", f"Product {code}")
    fields.setdefault("kind", Product.Kind.PRIMARY)
    return Product.objects.create(code=code, **fields)


def set_prices(partner: Partner, product: Product, tiers: list[tuple[int, str]]) -> None:
    """Enable ``product`` for ``partner`` at these tiers: ``[(from quantity, unit price)]``."""
    partner.products.add(product)
    ContractedPrice.objects.bulk_create(
        ContractedPrice(
            partner=partner,
            product=product,
            term=product.term,
            min_quantity=qty,
            unit_price=Decimal(price),
        )
        for qty, price in tiers
    )


def make_company(partner: Partner, name: str | None = None, **fields) -> Company:
    return Company.objects.create(partner=partner, name=name or f"Company {next(_seq)}", **fields)


def give_authenticator(user: User):
    """A confirmed authenticator app for ``user`` (two-step verification on)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(key, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``key`` (a device, or its secret as bytes) now,
    or ``steps_ahead`` × 30 s from now: computed by django-otp's own TOTP."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(getattr(key, "bin_key", key))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def force_login_with_two_step(client, user, backend=None, *, _plain) -> None:
    """``Client.force_login`` that also passes the second step for a user who has a device,
    as a real sign-in would (tests of the step itself sign in with the password instead)."""
    import django_otp
    from django.utils import timezone

    from portal.accounts.two_step import VERIFIED_AT

    _plain(client, user, backend)
    device = next(django_otp.devices_for_user(user), None)
    if device is not None:
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[VERIFIED_AT] = timezone.now().timestamp()
        session.save()
