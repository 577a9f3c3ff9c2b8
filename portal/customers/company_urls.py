from django.urls import path

from .search_views import SearchView, SuggestView
from .views import AttachmentDownloadView, CompanyDetailView, DownsellCancelView, SyncWatchView

# The namespace the customer pages have always had (their URLs start with companies/).
app_name = "companies"
urlpatterns = [
    path("<int:pk>/", CompanyDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        AttachmentDownloadView.as_view(),
        name="attachment",
    ),
    path(
        "<int:pk>/agreements/<int:agreement_pk>/cancel-downsell/",
        DownsellCancelView.as_view(),
        name="downsell_cancel",
    ),
    path("<int:pk>/agreements/<int:agreement_pk>/sync/", SyncWatchView.as_view(), name="sync"),
]
urlpatterns += [
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SuggestView.as_view(), name="search_suggest"),
]
