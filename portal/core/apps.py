from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self) -> None:
        from . import navigation  # noqa: F401  (registers the menu's system check)
        from .delivery import RECOVERABLE
        from .models import OutgoingMessage
        from .tasks import deliver_message, enqueue_in_transaction

        RECOVERABLE[OutgoingMessage] = lambda pk: enqueue_in_transaction(
            deliver_message, message_id=pk
        )
