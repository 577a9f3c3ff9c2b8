from django.urls import path

from . import user_views as views
from .two_step_views import TwoStepRequirementView
from .views import SecurityLogView

app_name = "users"
urlpatterns = [
    path("", views.UserListView.as_view(), name="list"),
    path("security-log/", SecurityLogView.as_view(), name="security_log"),
    path("new/", views.UserCreateView.as_view(), name="create"),
    path("two-step/", TwoStepRequirementView.as_view(), name="two_step"),
    path("<int:pk>/edit/", views.UserEditView.as_view(), name="edit"),
    path("<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="deactivate"),
    path("<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="reactivate"),
    path("<int:pk>/invite-again/", views.UserInviteAgainView.as_view(), name="invite_again"),
]
