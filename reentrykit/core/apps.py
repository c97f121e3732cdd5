from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reentrykit.core"
    label = "core"
    verbose_name = "ReentryKit core"

    def ready(self) -> None:
        from reentrykit.core import audit

        audit.connect_signals()
