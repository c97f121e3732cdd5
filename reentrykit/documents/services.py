"""A coalition's documents: its own version of a template, or the starting text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from reentrykit.coalitions.models import Coalition
from reentrykit.documents.library import BY_KIND, TEMPLATES, Template
from reentrykit.documents.models import CoalitionDocument


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


def documents_of(coalition: Coalition) -> list[Document]:
    saved = {doc.kind: doc for doc in CoalitionDocument.objects.filter(coalition=coalition)}
    return [Document(template, saved.get(template.kind)) for template in TEMPLATES]


def document_of(coalition: Coalition, kind: str) -> Document | None:
    template = BY_KIND.get(kind)
    if template is None:
        return None
    saved = CoalitionDocument.objects.filter(coalition=coalition, kind=kind).first()
    return Document(template, saved)


@transaction.atomic
def document_save(
    *, coalition: Coalition, kind: str, title: str, body: str, user: Any
) -> CoalitionDocument:
    if kind not in BY_KIND:
        raise ValueError(f"Unknown document {kind!r}")
    document, _ = CoalitionDocument.objects.update_or_create(
        coalition=coalition, kind=kind, defaults={"title": title, "body": body, "updated_by": user}
    )
    return document


@transaction.atomic
def document_reset(*, coalition: Coalition, kind: str) -> None:
    """Back to the starting text: the coalition's version is deleted."""
    for document in CoalitionDocument.objects.filter(coalition=coalition, kind=kind):
        document.delete()
