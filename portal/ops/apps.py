from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What an operator watches: health, metrics, the request and task log lines."""

    name = "portal.ops"
    label = "ops"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
