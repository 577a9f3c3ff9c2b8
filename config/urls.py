from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from portal.accounts import two_step_urls
from portal.accounts.two_step_views import admin_login
from portal.customers.views import HomeView
from portal.dashboards.console import vendor_dashboard, vendor_download

admin.site.site_header = "MSP Partner Portal — vendor console"
admin.site.site_title = "Vendor console"

urlpatterns = [
    path("admin/login/", admin_login),
    # A page of the vendor console's own, before the admin's URLs take every admin/… path.
    path("admin/dashboard/", admin.site.admin_view(vendor_dashboard), name="vendor_dashboard"),
    path(
        "admin/dashboard/figures.csv",
        admin.site.admin_view(vendor_download),
        {"kind": "csv"},
        name="vendor_dashboard_csv",
    ),
    path(
        "admin/dashboard/figures.xlsx",
        admin.site.admin_view(vendor_download),
        {"kind": "xlsx"},
        name="vendor_dashboard_xlsx",
    ),
    path("admin/", admin.site.urls),
    path("accounts/two-step/", include(two_step_urls.sign_in)),
    path("accounts/", include("portal.accounts.urls")),
    path("companies/", include("portal.customers.company_urls")),
    path("customers/", include("portal.customers.urls")),
    path("prospects/", include("portal.prospects.urls")),
    path("orders/", include("portal.orders.urls")),
    path("changes/", include("portal.changes.urls")),
    path("users/", include("portal.accounts.user_urls")),
    path("rfi/", include("portal.rfi.urls")),
    path("price-book/", include("portal.pricebook.urls")),
    path("quotes/", include("portal.quotes.urls")),
    path("dashboard/", include("portal.dashboards.urls")),
    path("sync/", include("portal.sync.urls")),
    path("webhooks/", include("portal.webhooks.urls")),
    path("api/", include("portal.api.urls")),
    path("profile/two-step/", include(two_step_urls.manage)),
    path("profile/reminders/", include("portal.reminders.urls")),
    path("profile/", include("portal.api.profile_urls")),
    path("", HomeView.as_view(), name="home"),
    # Pages name their icon; a browser still asks for /favicon.ico of a PDF or JSON it shows.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico")), name="favicon"),
]
