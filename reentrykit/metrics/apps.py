from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "reentrykit.metrics"
    label = "metrics"
    verbose_name = "Measures"

    def ready(self) -> None:
        from reentrykit.data.signals import linkage_finished
        from reentrykit.metrics import navigation, path_steps  # noqa: F401  (registration)
        from reentrykit.metrics.tasks import on_linkage_finished

        linkage_finished.connect(on_linkage_finished, dispatch_uid="metrics-refresh-after-linkage")
