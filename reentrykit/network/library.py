"""The practice library: sites write up promising practices and lessons learned for the
other sites of their networks; network admins feature the best.

Search is full-text on PostgreSQL (weighted title, summary and body, ranked) and a
word-by-word match elsewhere (SQLite has no full-text index Django can use).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet

from reentrykit.assessment.instrument import load_instrument
from reentrykit.network.models import NEED_DOMAINS, Network, NetworkSite, Practice, PracticeTag

COMPONENT = "component:"
NEED = "need:"


@functools.cache
def component_choices() -> list[tuple[str, str]]:
    """(key, "key title") of the assessment's components, from the latest instrument."""
    return [(c.key, f"{c.key} {c.title}") for c in load_instrument().components()]


def tag_label(tag: str) -> str:
    if tag.startswith(COMPONENT):
        key = tag.removeprefix(COMPONENT)
        return dict(component_choices()).get(key, key)
    return NEED_DOMAINS.get(tag.removeprefix(NEED), tag)


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


def tags_of(practice: Practice) -> tuple[list[str], list[str]]:
    """(component keys, need domains) of a practice, for its edit form."""
    tags = [tag.tag for tag in practice.tags.all()]
    return (
        [tag.removeprefix(COMPONENT) for tag in tags if tag.startswith(COMPONENT)],
        [tag.removeprefix(NEED) for tag in tags if tag.startswith(NEED)],
    )


def practices_in(
    networks: Iterable[Network],
    *,
    query: str = "",
    component: str = "",
    need: str = "",
    rating: str = "",
    kind: str = "",
) -> QuerySet[Practice]:
    """The practices of ``networks``, filtered, and searched for ``query``."""
    practices = Practice.objects.filter(site__network__in=list(networks))
    if component:
        practices = practices.filter(tags__tag=COMPONENT + component)
    if need:
        practices = practices.filter(tags__tag=NEED + need)
    if rating:
        practices = practices.filter(rating=rating)
    if kind:
        practices = practices.filter(kind=kind)
    practices = practices.select_related("site__coalition", "site__network").prefetch_related(
        "tags"
    )
    return _searched(practices, query.strip())


def _searched(practices: QuerySet[Practice], query: str) -> QuerySet[Practice]:
    if not query:
        return practices
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        # "@@" decides what matches (ts_rank is not zero for every miss); rank orders.
        return (
            practices.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-featured", "-id")
        )
    for word in query.split():
        practices = practices.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return practices
