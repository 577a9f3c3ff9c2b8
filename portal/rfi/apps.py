from django.apps import AppConfig


class RfiConfig(AppConfig):
    name = "portal.rfi"
    label = "rfi"
    verbose_name = "Requests for Information"
