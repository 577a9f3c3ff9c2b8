from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "portal.usage"
    label = "usage"

    def ready(self) -> None:
        from . import subscribers  # noqa: F401, PLC0415  registers them
