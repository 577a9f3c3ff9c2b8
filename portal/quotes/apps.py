from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "portal.quotes"
    label = "quotes"
