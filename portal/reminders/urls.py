from django.urls import path

from .views import PreferencesView, TermDaysView

app_name = "reminders"

urlpatterns = [
    path("", PreferencesView.as_view(), name="preferences"),
    path("term-days/", TermDaysView.as_view(), name="term_days"),
]
