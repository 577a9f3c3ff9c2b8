from django.apps import AppConfig


class ProspectsConfig(AppConfig):
    name = "portal.prospects"
    label = "prospects"

    def ready(self) -> None:
        from portal.core.outbox import RECOVERY

        from .import_services import imports_expire

        # An import whose worker died is ended as failed, with why, on outbox_recover's rounds.
        RECOVERY["stopped prospect imports, ended as failed"] = imports_expire
