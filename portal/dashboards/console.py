"""The vendor console's Dashboard: a page of Django's admin (staff only, through
``admin_view``), listed on the console's index, and the downloads of its charts' figures."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from .exports import chart_download
from .vendor import VendorDashboard

DOWNLOADS = ("vendor_dashboard_csv", "vendor_dashboard_xlsx")


def vendor_dashboard(request):
    dashboard = VendorDashboard(timezone.localdate())
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "charts": dashboard.charts(),
        "downloads": DOWNLOADS,
    }
    return TemplateResponse(request, "admin/dashboards/vendor.html", context)


def vendor_download(request, kind: str):
    """One chart's figures as CSV or XLSX: ?chart=<its name> (the first chart without one)."""
    charts = VendorDashboard(timezone.localdate()).charts()
    slug = request.GET.get("chart", charts[0].slug)
    chart = next((chart for chart in charts if chart.slug == slug), None)
    if chart is None:
        raise Http404("No such chart.")
    return chart_download(chart, kind, "vendor-dashboard")
