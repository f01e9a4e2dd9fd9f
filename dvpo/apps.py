from django.apps import AppConfig


class DvpoConfig(AppConfig):
    name = "dvpo"
    verbose_name = "People, organisations and calendar"
