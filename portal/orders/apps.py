from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "portal.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from . import subscribers  # noqa: F401  (registers them)
