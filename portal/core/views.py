from django.shortcuts import redirect
from django.views.generic import TemplateView

from portal.companies.selectors import company_counts, recent_customers
from portal.core.models import HistoryEntry

from .tenancy import PartnerRequiredMixin, for_partner


class HomeView(PartnerRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def dispatch(self, request, *args, **kwargs):
        # Vendor staff have no partner: their home is the vendor console.
        if request.user.is_authenticated and request.user.is_staff and not request.user.partner_id:
            return redirect("admin:index")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            counts=company_counts(user=user),
            customers=recent_customers(user=user, limit=10),
            activity=for_partner(HistoryEntry, user).select_related("actor")[:10],
            **kwargs,
        )
