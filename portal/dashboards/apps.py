from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "portal.dashboards"
    verbose_name = "Dashboards"
