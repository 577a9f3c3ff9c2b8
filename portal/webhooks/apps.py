from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "portal.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from portal.core.delivery import RECOVERABLE

        from . import subscribers  # noqa: F401  (registers them)
        from .models import WebhookDelivery
        from .tasks import deliver_webhook, enqueue_in_transaction

        RECOVERABLE[WebhookDelivery] = lambda pk: enqueue_in_transaction(
            deliver_webhook, delivery_id=pk
        )
