from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reentrykit.core"
    label = "core"
    verbose_name = "ReentryKit core"

    def ready(self) -> None:
        from reentrykit.core import audit, checks  # noqa: F401 (registers the deploy check)

        audit.connect_signals()
