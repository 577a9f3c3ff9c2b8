from django.urls import path

from .profile_views import ProfileView, TokenRevokeView

urlpatterns = [
    path("", ProfileView.as_view(), name="profile"),
    path("tokens/<int:pk>/revoke/", TokenRevokeView.as_view(), name="token_revoke"),
]
