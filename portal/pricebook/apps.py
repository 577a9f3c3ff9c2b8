from django.apps import AppConfig


class PricebookConfig(AppConfig):
    name = "portal.pricebook"
    label = "pricebook"
