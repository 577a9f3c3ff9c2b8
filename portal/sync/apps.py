from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "portal.sync"
    label = "sync"
    verbose_name = "Vendor sync"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the system check)
            subscribers,  # noqa: F401  (registers them)
            tasks,  # noqa: F401  (registers the outbox of provisioning requests)
        )
