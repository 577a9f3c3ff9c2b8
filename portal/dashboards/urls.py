from django.urls import path

from .views import DashboardView, DownloadView

app_name = "dashboards"

# A chart's figures: ?chart=<its name> (the recurring fees without one).
urlpatterns = [
    path("", DashboardView.as_view(), name="dashboard"),
    path("figures.csv", DownloadView.as_view(), {"kind": "csv"}, name="csv"),
    path("figures.xlsx", DownloadView.as_view(), {"kind": "xlsx"}, name="xlsx"),
]
