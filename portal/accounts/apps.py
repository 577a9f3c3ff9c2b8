from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"

    def ready(self):
        from . import security, sign_in_throttle  # noqa: F401  (signal receivers)
