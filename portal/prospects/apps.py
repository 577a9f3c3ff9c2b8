from django.apps import AppConfig


class ProspectsConfig(AppConfig):
    name = "portal.prospects"
    label = "prospects"
