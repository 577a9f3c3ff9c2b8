from django.urls import path

from . import sheet_views, upload_views, views

app_name = "prospects"
urlpatterns = [
    path("", views.ProspectListView.as_view(), name="list"),
    path("new/", views.ProspectFormView.as_view(), name="create"),
    path("verify-domain/", views.VerifyDomainView.as_view(), name="verify"),
    path("<int:pk>/edit/", views.ProspectFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.ProspectDeleteView.as_view(), name="delete"),
    path("template.xlsx", sheet_views.TemplateXlsxView.as_view(), name="template_xlsx"),
    path("template.csv", sheet_views.TemplateCsvView.as_view(), name="template_csv"),
    path("export.csv", sheet_views.ExportCsvView.as_view(), name="export_csv"),
    path("export.xlsx", sheet_views.ExportXlsxView.as_view(), name="export_xlsx"),
    path("upload/", upload_views.UploadView.as_view(), name="upload"),
    path("upload/<int:pk>/", upload_views.UploadResultView.as_view(), name="upload_result"),
    path(
        "upload/<int:pk>/errors.csv", upload_views.UploadErrorsView.as_view(), name="upload_errors"
    ),
]
