from django.apps import AppConfig


class RenewalsConfig(AppConfig):
    name = "portal.renewals"
    label = "renewals"
