from django.urls import path

from . import views

app_name = "sync"
urlpatterns = [
    path("callback/", views.callback, name="callback"),
    path("usage/", views.usage, name="usage"),
]
