from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "reentrykit.support"
    label = "support"
    verbose_name = "Support"

    def ready(self) -> None:
        from reentrykit.support import navigation, path_steps  # noqa: F401  (registration)
