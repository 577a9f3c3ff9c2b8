"""The MSP dashboard page and the downloads of each chart's figures."""

from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView, View

from portal.core.tenancy import PartnerRequiredMixin

from .exports import chart_download
from .msp import CHARTS, MspDashboard


class DashboardView(PartnerRequiredMixin, TemplateView):
    template_name = "dashboards/dashboard.html"

    def get_context_data(self, **kwargs):
        dashboard = MspDashboard(self.request.user.partner, timezone.localdate())
        return super().get_context_data(
            charts=dashboard.charts(),
            currency=dashboard.currency,
            downloads=("dashboards:csv", "dashboards:xlsx"),
            **kwargs,
        )


class DownloadView(PartnerRequiredMixin, View):
    """One chart's figures as CSV or XLSX (the table under it)."""

    def get(self, request, kind: str):
        slug = request.GET.get("chart", CHARTS[0])
        if slug not in CHARTS:
            raise Http404("No such chart.")
        chart = MspDashboard(request.user.partner, timezone.localdate()).chart(slug)
        return chart_download(chart, kind, "dashboard")
