"""The audit trail in plain words, for the pages that show it to people.

``AuditEntry`` keeps what the database saw: a model label, attnames and raw values
(foreign-key ids, choice codes, booleans, ISO dates). ``audit_rows`` turns a page of
entries into what a coordinator reads: "Changed: Action step “Hire a navigator”",
"Status: Not started → In progress", "Owner organization: — → Second Chance Works".

Entries outlive the code that wrote them, so a model or field that no longer exists
falls back to the stored text rather than failing. Related objects are looked up once
per page per model, and only within the entry's coalition: a stale or forged id must
never name another coalition's data.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst

from reentrykit.core.models import AuditEntry

ACTION_WORDS = {"create": "Added", "update": "Changed", "delete": "Removed"}
EMPTY = "—"
DELETED = "(deleted)"
LONG_TEXT = 120
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"

# Said by the page itself (the coalition) or of no use to a reader (keys, timestamps).
_UNTOLD = {"id", "coalition_id", "created_at", "updated_at"}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    action: str
    subject: str
    changes: list[Change]


def audit_rows(entries: Iterable[AuditEntry], *, coalition_id: int | None) -> list[AuditRow]:
    """``entries`` (one page of a coalition's trail) in plain words. Related objects are
    named only when they belong to ``coalition_id`` or to no coalition at all."""
    told = [(entry, _told_changes(entry)) for entry in entries]
    names = _RelatedNames(coalition_id)
    for _, changes in told:
        for _, field, values in changes:
            if field is not None and _is_reference(field):
                names.want(field, values)
    return [
        AuditRow(
            entry=entry,
            action=ACTION_WORDS.get(entry.action, capfirst(entry.action)),
            subject=model_name(entry.model),
            changes=[
                Change(
                    field=field_name(field, key),
                    before=names.value(field, _before(values)),
                    after=names.value(field, _after(values)),
                )
                for key, field, values in changes
            ],
        )
        for entry, changes in told
    ]


def model_name(label: str) -> str:
    """``planning.ActionStep`` as "Action step"; a vanished model as its class name in words."""
    model = _model(label)
    if model is not None:
        return capfirst(str(model._meta.verbose_name))
    class_name = label.rpartition(".")[2]
    return capfirst(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", class_name).lower())


def field_name(field: models.Field | None, key: str) -> str:
    if field is not None:
        return capfirst(str(field.verbose_name))
    return capfirst(key.removesuffix("_id").replace("_", " "))


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _told_changes(entry: AuditEntry) -> list[tuple[str, models.Field | None, Any]]:
    model = _model(entry.model)
    fields = {field.attname: field for field in model._meta.concrete_fields} if model else {}
    # A many-to-many field's entry holds the ids linked before and after.
    fields.update({field.name: field for field in model._meta.many_to_many} if model else {})
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    told = []
    for key, values in changes.items():
        field = fields.get(key)
        if key in _UNTOLD or (field is not None and _is_bookkeeping(field)):
            continue
        told.append((key, field, values))
    return told


def _is_reference(field: models.Field) -> bool:
    return bool(field.many_to_one or field.one_to_one or field.many_to_many)


def _is_bookkeeping(field: models.Field) -> bool:
    return (
        field.primary_key
        or field.name == "coalition"
        or getattr(field, "auto_now", False)
        or getattr(field, "auto_now_add", False)
    )


def _before(values: Any) -> Any:
    return values[0] if isinstance(values, list | tuple) and values else None


def _after(values: Any) -> Any:
    return values[1] if isinstance(values, list | tuple) and len(values) > 1 else None


# A related model and the column its foreign keys point at (almost always "id").
_Target = tuple[type[models.Model], str]


class _RelatedNames:
    """The names of the related objects one page mentions, looked up once per model."""

    def __init__(self, coalition_id: int | None) -> None:
        self.coalition_id = coalition_id
        self.wanted: dict[_Target, set[Any]] = defaultdict(set)
        self.found: dict[_Target, dict[str, str]] | None = None

    def want(self, field: models.Field, values: Any) -> None:
        for value in (_before(values), _after(values)):
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, int | str) and one != "":
                    self.wanted[_target(field)].add(one)

    def value(self, field: models.Field | None, value: Any) -> str:
        if value is None or value == "":
            return EMPTY
        if field is None:
            return _plain_value(value)
        if _is_reference(field) and isinstance(value, list):
            return "; ".join(self._name(field, one) for one in value) or EMPTY
        if _is_reference(field):
            return self._name(field, value)
        return _field_value(field, value)

    def _name(self, field: models.Field, value: Any) -> str:
        if self.found is None:
            self.found = {
                target: self._look_up(*target, ids) for target, ids in self.wanted.items()
            }
        return self.found.get(_target(field), {}).get(str(value), DELETED)

    def _look_up(self, model: type[models.Model], column: str, ids: set[Any]) -> dict[str, str]:
        path = _coalition_path(model)
        if path is not None and self.coalition_id is None:
            return {}
        try:
            objects = model._default_manager.filter(**{f"{column}__in": ids})
            if path is not None:
                objects = objects.filter(**{path: self.coalition_id})
            return {str(getattr(obj, column)): shortened(str(obj)) for obj in objects}
        except (ValueError, TypeError, ValidationError):
            # Ids the column cannot hold (its type changed since): name none of them.
            return {}


def _target(field: models.Field) -> _Target:
    return (field.related_model, field.target_field.attname)


@functools.cache
def _coalition_path(model: type[models.Model], depth: int = 3) -> str | None:
    """The lookup from ``model`` to its coalition's id, through required foreign keys;
    None for a model that belongs to no coalition (a user, a network)."""
    from reentrykit.coalitions.models import Coalition

    if model is Coalition:
        return "pk"
    fields = {field.name: field for field in model._meta.concrete_fields}
    if "coalition" in fields:
        return "coalition"
    if depth == 0:
        return None
    for field in fields.values():
        if field.is_relation and not field.null and field.related_model is not model:
            further = _coalition_path(field.related_model, depth - 1)
            if further is not None:
                return f"{field.name}__{further}"
    return None


def _field_value(field: models.Field, value: Any) -> str:
    if field.choices:
        labels = {str(code): str(label) for code, label in field.flatchoices}
        if str(value) in labels:
            return labels[str(value)]
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if _is_share(field) and isinstance(value, int | float):
        return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    return _plain_value(value)


def _is_share(field: models.Field) -> bool:
    """A number kept as a share from 0 to 1 (a target rate), which pages show as a percent."""
    if not isinstance(field, models.FloatField):
        return False
    limits = {type(v): getattr(v, "limit_value", None) for v in field.validators}
    return limits == {
        MinValueValidator: 0,
        MaxValueValidator: 1,
    }


def _date(value: Any) -> str:
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), DATE_FORMAT)
    except ValueError:
        return _plain_value(value)


def _datetime(value: Any) -> str:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return _plain_value(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, DATETIME_FORMAT)


def _plain_value(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return shortened(str(value))


def shortened(text: str) -> str:
    """``text`` cut to about :data:`LONG_TEXT` characters at a word's end, with "…"."""
    if len(text) <= LONG_TEXT:
        return text
    cut = text[: LONG_TEXT - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > LONG_TEXT // 2 else cut).rstrip(" ,;:.") + "…"
