from django.urls import path

from .list_views import CompleteListView, InProgressListView

app_name = "customers"
urlpatterns = [
    path("in-progress/", InProgressListView.as_view(), name="in_progress"),
    path("complete/", CompleteListView.as_view(), name="complete"),
]
