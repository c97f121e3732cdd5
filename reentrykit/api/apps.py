from typing import Any

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reentrykit.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.models.signals import post_save

        post_save.connect(
            _revoke_tokens_on_new_password,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="api-revoke-tokens-on-new-password",
        )


def _revoke_tokens_on_new_password(
    sender: type, instance: Any, created: bool, **kwargs: Any
) -> None:
    """A new password (changed, reset, or set by the operator) ends every API token the
    account had: whoever knew the old password may have made one. Django keeps the new
    raw password on the user until this save is done, and only for a real change (not
    for a stored hash upgraded at sign-in)."""
    if not created and getattr(instance, "_password", None) is not None:
        from reentrykit.api.services import tokens_revoke_all

        tokens_revoke_all(user=instance)
