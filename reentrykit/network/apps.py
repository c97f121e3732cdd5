from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "reentrykit.network"
    label = "network"
    verbose_name = "Networks"

    def ready(self) -> None:
        from reentrykit.network import navigation  # noqa: F401  (registration)
