from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "portal.companies"
    label = "companies"

    def ready(self) -> None:
        from . import subscribers  # noqa: F401  (registers them)
