from django.apps import AppConfig


class DataConfig(AppConfig):
    name = "reentrykit.data"
    label = "data"
    verbose_name = "Local data"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from reentrykit.coalitions.models import Coalition
        from reentrykit.data import navigation, path_steps  # noqa: F401  (registration)
        from reentrykit.data.store import delete_store

        def remove_store(sender: type, instance: Coalition, **kwargs: object) -> None:
            # The person-level store is a file, not a row: it goes with its coalition.
            delete_store(instance.pk)

        post_delete.connect(remove_store, sender=Coalition, dispatch_uid="data-remove-store")
