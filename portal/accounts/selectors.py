"""Reads of users, always for one partner."""

from django.db.models import QuerySet

from .models import Partner, User


def implementation_leads_for(partner: Partner) -> QuerySet[User]:
    """Who can be picked as implementation lead or secondary contact: active, flagged users."""
    return User.objects.filter(
        partner=partner, is_active=True, is_implementation_lead=True
    ).order_by("full_name", "email")
