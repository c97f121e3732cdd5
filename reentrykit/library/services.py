"""Writes to the library: practices (with their tags) and coalitions' documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reentrykit.coalitions.models import Coalition
from reentrykit.library.models import NEED_DOMAINS, CoalitionDocument, Practice, PracticeTag
from reentrykit.library.selectors import COMPONENT, NEED, Document, component_choices
from reentrykit.library.starting_texts import BY_KIND
from reentrykit.network.models import NetworkSite


def _tags(components: Iterable[str], needs: Iterable[str]) -> list[str]:
    known_components = dict(component_choices())
    unknown = [key for key in components if key not in known_components]
    unknown += [need for need in needs if need not in NEED_DOMAINS]
    if unknown:
        raise ValidationError(f"Unknown tags: {', '.join(unknown)}.")
    return [COMPONENT + key for key in components] + [NEED + need for need in needs]


@transaction.atomic
def practice_write(
    *,
    site: NetworkSite,
    written_by: Any,
    components: Iterable[str] = (),
    needs: Iterable[str] = (),
    **fields: Any,
) -> Practice:
    tags = _tags(components, needs)
    practice = Practice(site=site, written_by=written_by, **fields)
    practice.full_clean()
    practice.save()
    for tag in tags:
        PracticeTag.objects.create(practice=practice, tag=tag)
    return practice


@transaction.atomic
def practice_update(
    *, practice: Practice, components: Iterable[str] = (), needs: Iterable[str] = (), **fields: Any
) -> Practice:
    tags = set(_tags(components, needs))
    for name, value in fields.items():
        setattr(practice, name, value)
    practice.full_clean()
    practice.save()
    for old in practice.tags.all():
        if old.tag not in tags:
            old.delete()
    kept = set(practice.tags.values_list("tag", flat=True))
    for tag in sorted(tags - kept):
        PracticeTag.objects.create(practice=practice, tag=tag)
    return practice


@transaction.atomic
def practice_feature(*, practice: Practice, featured: bool) -> Practice:
    practice.featured = featured
    practice.save(update_fields=["featured"])
    return practice


@transaction.atomic
def practice_delete(*, practice: Practice) -> None:
    practice.delete()


@transaction.atomic
def document_save(
    *, coalition: Coalition, kind: str, title: str, body: str, user: Any, seen: str = ""
) -> CoalitionDocument:
    """Saves the coalition's version; ``seen`` is the :attr:`Document.version` the
    editor started from, and a text saved by someone else since is not overwritten."""
    if kind not in BY_KIND:
        raise ValueError(f"Unknown document {kind!r}")
    # Held until the save is done, so that of two saves at once the second sees the first.
    stored = CoalitionDocument.objects.select_for_update().filter(coalition=coalition, kind=kind)
    if seen and seen != Document(BY_KIND[kind], stored.first()).version:
        raise ValidationError(
            "Someone else changed this document while you had it open; the preview shows "
            "their version. Save again to replace it with your text.",
            code="stale",
        )
    document, _ = CoalitionDocument.objects.update_or_create(
        coalition=coalition, kind=kind, defaults={"title": title, "body": body, "updated_by": user}
    )
    return document


@transaction.atomic
def document_reset(*, coalition: Coalition, kind: str) -> None:
    """Back to the starting text: the coalition's version is deleted."""
    for document in CoalitionDocument.objects.filter(coalition=coalition, kind=kind):
        document.delete()
