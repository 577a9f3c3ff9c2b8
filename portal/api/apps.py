from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portal.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from portal.core.counters import forget_old_counts
        from portal.core.outbox import HOUSEKEEPING

        from . import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
        from .idempotency import purge_expired

        HOUSEKEEPING["idempotency keys"] = purge_expired
        HOUSEKEEPING["rate counts"] = forget_old_counts
