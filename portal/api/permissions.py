"""Who may call the API: MSP users, as on the screens; Admins alone for the user endpoints.

A user without a partner (vendor staff) or a Sales user on an Admin endpoint is told the page
does not exist, as the screens do (``PartnerRequiredMixin``).
"""

from django.http import Http404
from rest_framework.permissions import BasePermission


class IsPartnerMember(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.partner_id:
            raise Http404
        return True


class IsMspAdmin(IsPartnerMember):
    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if not request.user.is_msp_admin:
            raise Http404
        return True
