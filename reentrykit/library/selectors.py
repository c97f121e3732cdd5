"""Reads of the library: practices of a coalition's networks, searched, and the
coalition's documents.

Search is full-text on PostgreSQL (weighted title, summary and body, ranked) and a
word-by-word match elsewhere (SQLite has no full-text index Django can use). Both
search the query's words, every one of them, and nothing else: quotes, hyphens and
other punctuation are not operators, so that a stray one finds what the words do.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, When

from reentrykit.assessment.instrument import load_instrument
from reentrykit.coalitions.models import Coalition
from reentrykit.library.models import NEED_DOMAINS, CoalitionDocument, Practice
from reentrykit.library.starting_texts import BY_KIND, TEMPLATES, Template
from reentrykit.network.models import Network, NetworkRoleKind, NetworkSite

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


def networks_read_by(coalition: Coalition, user: Any, *, in_coalition: bool) -> list[Network]:
    """The coalition's networks whose practices ``user`` reads from the coalition. A
    coach who is not in the coalition reads those of the networks they coach it in
    alone: a network they have no role in stays closed to them, as its own pages are."""
    sites = NetworkSite.objects.filter(coalition=coalition)
    if not in_coalition:
        sites = sites.filter(
            coach_assignments__coach__user=user,
            coach_assignments__coach__role=NetworkRoleKind.COACH,
        )
    return list(Network.objects.filter(sites__in=sites).distinct())


# Practices the library recommends for a weak assessment component: not those whose
# evidence says they do not work, and the best supported first.
NOT_RECOMMENDED = (Practice.Rating.INEFFECTIVE, Practice.Rating.NEGATIVE)
RECOMMENDED_PER_COMPONENT = 3


def recommended_practices(
    networks: Iterable[Network], component_keys: Iterable[str]
) -> dict[str, list[Practice]]:
    """Component key -> up to :data:`RECOMMENDED_PER_COMPONENT` practices of
    ``networks`` tagged with it: featured first, then by evidence rating."""
    keys = list(component_keys)
    strength = Case(
        *(When(rating=rating, then=rank) for rank, rating in enumerate(Practice.Rating.values)),
        output_field=IntegerField(),
    )
    tagged = (
        Practice.objects.filter(
            site__network__in=list(networks), tags__tag__in=[COMPONENT + key for key in keys]
        )
        .exclude(rating__in=NOT_RECOMMENDED)
        .annotate(component_tag=F("tags__tag"), strength=strength)
        .select_related("site__coalition")
        .order_by("-featured", "strength", "-updated_at", "-id")
    )
    found: dict[str, list[Practice]] = {key: [] for key in keys}
    for practice in tagged:
        chosen = found[practice.component_tag.removeprefix(COMPONENT)]
        if len(chosen) < RECOMMENDED_PER_COMPONENT and practice not in chosen:
            chosen.append(practice)
    return found


def _searched(practices: QuerySet[Practice], query: str) -> QuerySet[Practice]:
    words = re.findall(r"\w+", query)
    if not words:
        return practices
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="B", config="english")
            + SearchVector("body", weight="C", config="english")
        )
        # Plain rather than websearch: the words alone, as on SQLite, with no quotes
        # for phrases or "-" and "or" as operators.
        search = SearchQuery(" ".join(words), search_type="plain", config="english")
        # "@@" decides what matches (ts_rank is not zero for every miss); rank orders.
        return (
            practices.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(document=search)
            .order_by("-rank", "-featured", "-id")
        )
    for word in words:
        practices = practices.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return practices


@dataclass(frozen=True)
class Document:
    """What a page shows: the template, and the coalition's version when it has one."""

    template: Template
    saved: CoalitionDocument | None

    @property
    def title(self) -> str:
        return self.saved.title if self.saved else self.template.title

    @property
    def body(self) -> str:
        return self.saved.body if self.saved else self.template.body

    @property
    def version(self) -> str:
        """A fingerprint of the text as stored: an edit form carries the one it was
        opened on, so that a save over someone else's meanwhile is caught."""
        text = f"{self.title}\n{self.body}".encode()
        return hashlib.sha256(text).hexdigest()[:12]


def documents_of(coalition: Coalition) -> list[Document]:
    saved = {doc.kind: doc for doc in CoalitionDocument.objects.filter(coalition=coalition)}
    return [Document(template, saved.get(template.kind)) for template in TEMPLATES]


def document_of(coalition: Coalition, kind: str) -> Document | None:
    template = BY_KIND.get(kind)
    if template is None:
        return None
    saved = CoalitionDocument.objects.filter(coalition=coalition, kind=kind).first()
    return Document(template, saved)
