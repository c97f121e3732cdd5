from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "reentrykit.resources"
    label = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        from reentrykit.resources import navigation, path_steps  # noqa: F401  (registration)
