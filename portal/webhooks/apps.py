from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "portal.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from . import (
            subscribers,  # noqa: F401  (registers them)
            tasks,  # noqa: F401  (registers the outbox of deliveries)
        )
