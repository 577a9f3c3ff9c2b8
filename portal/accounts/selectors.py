"""Reads of users, always for one partner."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from portal.core.tenancy import for_partner, get_for_partner_or_404

from .models import Partner, SecurityEvent, User


def implementation_leads_for(partner: Partner) -> QuerySet[User]:
    """Who can be picked as implementation lead or secondary contact: active, flagged users."""
    return User.objects.filter(
        partner=partner, is_active=True, is_implementation_lead=True
    ).order_by("full_name", "email")


def users_for(user) -> QuerySet[User]:
    """The users page: everyone of the signed-in user's partner, active or not, by name."""
    return for_partner(User, user).order_by(Lower("full_name"), "email")


def user_for(user, pk: int) -> User:
    """One user of the signed-in user's partner; another MSP's user (or staff) is a 404."""
    return get_for_partner_or_404(User, user, pk=pk)


def security_events_for(user) -> QuerySet[SecurityEvent]:
    """The Security Log: the partner's sign-ins, failures and account changes, with who."""
    return for_partner(SecurityEvent, user).select_related("user", "actor")


def is_only_active_admin(member: User) -> bool:
    """Whether ``member`` is their partner's one active Admin (a hint for the page; the
    service decides, under a lock)."""
    if not (member.is_active and member.role == User.Role.ADMIN):
        return False
    others = User.objects.filter(
        partner_id=member.partner_id, role=User.Role.ADMIN, is_active=True
    ).exclude(pk=member.pk)
    return not others.exists()
