from django.urls import path

from . import views

app_name = "changes"
urlpatterns = [
    path("customers/<int:pk>/", views.ChangeFormView.as_view(), name="start"),
    path("customers/<int:pk>/preview/", views.PreviewView.as_view(), name="preview"),
    path("<int:change_pk>/", views.ChangeFormView.as_view(), name="quote"),
    path("<int:change_pk>/preview/", views.PreviewView.as_view(), name="quote_preview"),
    path("<int:change_pk>/delete/", views.QuoteDeleteView.as_view(), name="delete"),
    path("<int:change_pk>/review/", views.ReviewView.as_view(), name="review"),
]
