from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "portal.sync"
    label = "sync"
    verbose_name = "Vendor sync"

    def ready(self) -> None:
        from portal.core.delivery import RECOVERABLE

        from . import (
            checks,  # noqa: F401  (registers the system check)
            subscribers,  # noqa: F401  (registers them)
        )
        from .models import ProvisioningRequest
        from .tasks import deliver_request, enqueue_in_transaction

        RECOVERABLE[ProvisioningRequest] = lambda pk: enqueue_in_transaction(
            deliver_request, request_id=pk
        )
