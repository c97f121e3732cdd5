from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "reentrykit.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        from reentrykit.planning import navigation, path_steps, tasks  # noqa: F401  (registration)
