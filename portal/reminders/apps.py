from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "portal.reminders"
    label = "reminders"
    verbose_name = "Reminders"
