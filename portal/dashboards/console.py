"""The vendor console's Dashboard: a page of Django's admin (staff only, through
``admin_view``), listed on the console's index."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone

from .vendor import VendorDashboard


def vendor_dashboard(request):
    dashboard = VendorDashboard(timezone.localdate())
    context = {
        **admin.site.each_context(request),
        "title": "Dashboard",
        "charts": dashboard.charts(),
    }
    return TemplateResponse(request, "admin/dashboards/vendor.html", context)
