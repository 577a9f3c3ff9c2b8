from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self) -> None:
        from .delivery import RECOVERABLE
        from .models import OutgoingMessage
        from .tasks import deliver_message, enqueue_in_transaction

        RECOVERABLE[OutgoingMessage] = lambda pk: enqueue_in_transaction(
            deliver_message, message_id=pk
        )
