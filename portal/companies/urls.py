from django.urls import path

from .views import AttachmentDownloadView, CompanyDetailView

app_name = "companies"
urlpatterns = [
    path("<int:pk>/", CompanyDetailView.as_view(), name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        AttachmentDownloadView.as_view(),
        name="attachment",
    ),
]
