from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "reentrykit.library"
    label = "library"
    verbose_name = "Library"

    def ready(self) -> None:
        from reentrykit.library import navigation  # noqa: F401  (registration)
