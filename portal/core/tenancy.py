"""Tenant scoping: the one way views and selectors reach a partner's rows.

Every tenant-owned model has a ``partner`` foreign key (directly, or through ``partner_path``).
An object of another partner is reported as missing (404), never as forbidden, so that its
existence does not leak.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404


def for_partner(queryset: QuerySet | type[Model], user, *, partner_path: str = "partner"):
    """Only the rows of the user's partner; none at all for a user without one."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    if not getattr(user, "partner_id", None):
        return queryset.none()
    return queryset.filter(**{partner_path: user.partner_id})


def get_for_partner_or_404(
    queryset: QuerySet | type[Model], user, *, partner_path: str = "partner", **lookups
):
    return get_object_or_404(for_partner(queryset, user, partner_path=partner_path), **lookups)


class PartnerRequiredMixin(LoginRequiredMixin):
    """An MSP page: signed in, and a member of a partner (vendor staff use the vendor console)."""

    admin_only = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not user.partner_id or (self.admin_only and not user.is_msp_admin):
                raise Http404("No such page.")
        return super().dispatch(request, *args, **kwargs)
