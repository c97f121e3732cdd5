"""The audit trail: who created, changed or deleted which coalition data, and how.

Every model that holds coalition data inherits ``Audited``. Signal handlers write an
``AuditEntry`` for each save and delete, with the changed values, so that writes
from services, the admin, the command line and the demo seed are all recorded
without each caller remembering to. The actor comes from a context variable set
by ``AuditActorMiddleware`` for web requests and by ``audit_actor`` elsewhere.

Bulk queryset writes (``update``, ``bulk_create``) bypass signals; services must
not use them on audited models.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.http import HttpRequest, HttpResponse

_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("audit_actor", default=None)
_via: contextvars.ContextVar[str] = contextvars.ContextVar("audit_via", default="system")

# Fields whose values never go into the trail.
_SECRET_FIELDS = {"password", "token_hash", "key"}


class Audited(models.Model):
    """Mixin for models holding coalition data: each write is recorded.

    ``audit_omitted`` names fields left out of the trail: counts taken from the
    person-level data, which the trail's readers (coordinators) would otherwise see
    unsuppressed.
    """

    audit_omitted: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def audit_coalition_id(self) -> int | None:  # pragma: no cover - overridden
        raise NotImplementedError


@contextmanager
def audit_actor(user: Any, via: str) -> Iterator[None]:
    """Attribute writes inside the block to ``user`` (may be None) acting through ``via``."""
    actor_token = _actor.set(user)
    via_token = _via.set(via)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _via.reset(via_token)


class AuditActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        with audit_actor(user, "web"):
            return self.get_response(request)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _snapshot(instance: models.Model) -> dict[str, Any]:
    values: dict[str, Any] = {}
    omitted = _SECRET_FIELDS.union(getattr(instance, "audit_omitted", ()))
    for field in instance._meta.concrete_fields:
        if field.name in omitted:
            continue
        values[field.attname] = _plain(getattr(instance, field.attname, None))
    return values


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Deferred fields would trigger queries; record what was loaded.
    if instance.pk is not None:
        instance._audit_before = _snapshot(instance)  # type: ignore[attr-defined]


def _write(instance: Audited, action: str, changes: dict[str, Any]) -> None:
    from reentrykit.core.models import AuditEntry

    actor = _actor.get()
    AuditEntry.objects.create(
        coalition_id=instance.audit_coalition_id(),
        actor=actor if actor is not None and actor.pk else None,
        via=_via.get(),
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def _on_save(sender: type[models.Model], instance: Audited, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    after = _snapshot(instance)
    if created:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        _write(instance, "create", changes)
    else:
        before = getattr(instance, "_audit_before", {})
        changes = {
            name: [before.get(name), value]
            for name, value in after.items()
            if name in before and before[name] != value
        }
        if changes:
            _write(instance, "update", changes)
    instance._audit_before = after  # type: ignore[attr-defined]


def _on_delete(sender: type[models.Model], instance: Audited, **kwargs: Any) -> None:
    from reentrykit.core.models import AuditEntry

    coalition_id = instance.audit_coalition_id()
    # A coalition's own deletion cascades its trail away; nothing to point at.
    if instance._meta.label == "coalitions.Coalition":
        AuditEntry.objects.filter(coalition_id=coalition_id).delete()
        return
    if coalition_id is not None and not _coalition_exists(coalition_id):
        return
    _write(instance, "delete", {name: [value, None] for name, value in _snapshot(instance).items()})


def _on_links(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A change to a many-to-many field of ``instance`` (which a save does not show):
    the ids linked before and after, as an update of the field."""
    if reverse or not isinstance(instance, Audited):
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None or action not in ("post_add", "post_remove", "pre_clear"):
        return
    now = set(getattr(instance, field.name).values_list("pk", flat=True))
    if action == "pre_clear":
        before, now = now, set()
    elif not pk_set:
        return
    else:
        before = now - pk_set if action == "post_add" else now | pk_set
    if before != now:
        _write(instance, "update", {field.name: [sorted(before), sorted(now)]})


def _coalition_exists(coalition_id: int) -> bool:
    from reentrykit.coalitions.models import Coalition

    return Coalition.objects.filter(pk=coalition_id).exists()


def connect_signals() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if issubclass(model, Audited):
            post_init.connect(
                _on_init, sender=model, dispatch_uid=f"audit-init-{model._meta.label}"
            )
            post_save.connect(
                _on_save, sender=model, dispatch_uid=f"audit-save-{model._meta.label}"
            )
            post_delete.connect(
                _on_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}"
            )
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    _on_links,
                    sender=field.remote_field.through,
                    dispatch_uid=f"audit-links-{model._meta.label}.{field.name}",
                )
