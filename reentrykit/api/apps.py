from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reentrykit.api"
    label = "api"
    verbose_name = "API"
