from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.EndpointListView.as_view(), name="list"),
    path("new/", views.EndpointFormView.as_view(), name="create"),
    path("<int:pk>/", views.EndpointDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.EndpointFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.EndpointDeleteView.as_view(), name="delete"),
    path("<int:pk>/test/", views.SendTestView.as_view(), name="send_test"),
    path("<int:pk>/secret/", views.RegenerateSecretView.as_view(), name="regenerate_secret"),
    path(
        "<int:pk>/deliveries/<int:delivery_pk>/again/",
        views.SendAgainView.as_view(),
        name="send_again",
    ),
]
