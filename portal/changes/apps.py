from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "portal.changes"
    label = "changes"
    verbose_name = "Change orders"
