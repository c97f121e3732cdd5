from django.apps import AppConfig


class CoalitionsConfig(AppConfig):
    name = "reentrykit.coalitions"
    label = "coalitions"
    verbose_name = "Coalitions"

    def ready(self) -> None:
        from reentrykit.coalitions import navigation, path_steps  # noqa: F401  (registration)
