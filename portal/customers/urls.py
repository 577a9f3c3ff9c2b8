from django.urls import path

from .list_views import EXPORTS, CompleteListView, InProgressListView

app_name = "customers"
urlpatterns = [
    path("in-progress/", InProgressListView.as_view(), name="in_progress"),
    path("complete/", CompleteListView.as_view(), name="complete"),
    path("in-progress/export.csv", EXPORTS["in_progress_csv"], name="in_progress_csv"),
    path("in-progress/export.xlsx", EXPORTS["in_progress_xlsx"], name="in_progress_xlsx"),
    path("complete/export.csv", EXPORTS["complete_csv"], name="complete_csv"),
    path("complete/export.xlsx", EXPORTS["complete_xlsx"], name="complete_xlsx"),
]
