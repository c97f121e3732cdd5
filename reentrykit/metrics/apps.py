from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "reentrykit.metrics"
    label = "metrics"
    verbose_name = "Measures"

    def ready(self) -> None:
        from reentrykit.metrics import navigation  # noqa: F401  (registration)
