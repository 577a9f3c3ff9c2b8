from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend

from .models import User


class PartnerUserBackend(ModelBackend):
    """Loads the signed-in user with their partner: every page shows and scopes by it."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("partner").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, for sign-ins made through a web request. A sign-in without
    a request (the test client's ``login``, a management command) has no address to count."""

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
