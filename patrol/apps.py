from django.apps import AppConfig


class PatrolConfig(AppConfig):
    name = "patrol"
