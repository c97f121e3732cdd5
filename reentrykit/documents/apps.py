from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "reentrykit.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from reentrykit.documents import navigation  # noqa: F401  (registration)
