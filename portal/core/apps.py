from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"

    def ready(self) -> None:
        from . import (
            navigation,  # noqa: F401  (registers the menu's system check)
            tasks,  # noqa: F401  (registers the outbox of e-mail)
        )
