from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self) -> None:
        from . import (
            navigation,  # noqa: F401  (registers the menu's system check)
            tasks,  # noqa: F401  (registers the outbox of e-mail)
        )
        from .outbox import HOUSEKEEPING
        from .purge import scheduled_runs_forget, task_results_forget

        HOUSEKEEPING["scheduler runs"] = scheduled_runs_forget
        HOUSEKEEPING["finished tasks"] = task_results_forget
