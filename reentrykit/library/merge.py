"""Merge fields and the plain-text body format of documents.

``[[field]]`` is replaced by plain text from the coalition's record; nothing in a body
is ever run as a template, so an edited document cannot reach anything else. Figures
from the measures are read as a viewer of the coalition reads them (suppressed): a
document is written to leave the coalition.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.core.access import as_viewer

FIELD = re.compile(r"\[\[\s*([a-z_]+)\s*\]\]")
NOT_YET = "not yet measured"


@dataclass(frozen=True)
class MergeField:
    name: str
    description: str
    value: Callable[[Coalition], str]


# The coalition record has no place name; its kind of jurisdiction reads naturally.
JURISDICTION_WORDS = {
    "city": "our city",
    "county": "our county",
    "tribal": "our tribal nation",
    "regional": "our region",
    "state": "our state",
}


def _jurisdiction(coalition: Coalition) -> str:
    return JURISDICTION_WORDS.get(coalition.jurisdiction_type, "our community")


def _coordinators(coalition: Coalition) -> str:
    names = [
        membership.user.display_name
        for membership in coalition.memberships.filter(role=Role.COORDINATOR).select_related("user")
    ]
    return ", ".join(names) or "the coalition's coordinator"


def _organizations(coalition: Coalition) -> str:
    names = list(coalition.organizations.values_list("name", flat=True))
    return "\n".join(f"- {name}" for name in names) or "- (no partner organizations listed yet)"


def _headline(coalition: Coalition) -> dict[str, Any] | None:
    from reentrykit.metrics import selectors

    payload = selectors.latest_headline(coalition)
    if payload is None:
        return None
    cards = selectors.headline(as_viewer(coalition), payload)
    card = next((card for card in cards if card["measure"] == "rearrest"), None)
    if card is None or not card["table"].rows:
        return None
    return {"card": card, "year": payload["latest_complete_year"]}


def _one_year_rearrest(coalition: Coalition) -> str:
    headline = _headline(coalition)
    if headline is None:
        return NOT_YET
    card = headline["card"]
    if card["row"].get("rate") is None:
        return "a share too small to publish"
    return f"{card['row']['rate'] * 100:.1f}%"


def _cohort_year(coalition: Coalition) -> str:
    headline = _headline(coalition)
    return str(headline["year"]) if headline else "the latest year"


def _national(_coalition: Coalition) -> str:
    from reentrykit.metrics.selectors import NATIONAL_ONE_YEAR

    return f"{NATIONAL_ONE_YEAR['rearrest'] * 100:.1f}%"


FIELDS: tuple[MergeField, ...] = (
    MergeField("coalition_name", "The coalition's name", lambda c: c.name),
    MergeField("jurisdiction", "“our county”, “our city”…", _jurisdiction),
    MergeField(
        "mission_statement",
        "The mission statement in settings",
        lambda c: (
            c.mission_statement or "(Write the mission statement in the coalition's settings.)"
        ),
    ),
    MergeField("coordinator_names", "The coordinators' names", _coordinators),
    MergeField("partner_organizations", "The partner organizations, one per line", _organizations),
    MergeField(
        "partner_count", "How many partner organizations", lambda c: str(c.organizations.count())
    ),
    MergeField("one_year_rearrest", "One-year rearrest rate, suppressed", _one_year_rearrest),
    MergeField("rearrest_cohort_year", "The release year of that rate", _cohort_year),
    MergeField("national_one_year_rearrest", "The national reference rate", _national),
    MergeField("suppression_threshold", "The smallest count shown", lambda c: str(c.suppression_k)),
    MergeField("today", "Today's date", lambda _c: _long_date()),
)
BY_NAME = {field.name: field for field in FIELDS}


def _long_date() -> str:
    today = timezone.localdate()
    return f"{today:%B} {today.day}, {today.year}"


def unknown_fields(body: str) -> list[str]:
    """Merge fields in ``body`` that do not exist (left as typed when merged)."""
    return sorted({name for name in FIELD.findall(body) if name not in BY_NAME})


def merged(body: str, coalition: Coalition) -> str:
    """``body`` with each known merge field replaced by its value (computed once)."""
    values: dict[str, str] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in BY_NAME:
            return match.group(0)
        if name not in values:
            values[name] = BY_NAME[name].value(coalition)
        return values[name]

    return FIELD.sub(value, body)


@dataclass(frozen=True)
class Block:
    """A piece of a body: ``kind`` is "heading", "paragraph" or "list"; a list's
    ``lines`` are its items, a heading's or paragraph's its one text."""

    kind: str
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The headings, paragraphs and lists of a (merged) body, in order."""
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("paragraph", (" ".join(paragraph),)))
            paragraph.clear()
        if items:
            out.append(Block("list", tuple(items)))
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("# "):
            flush()
            out.append(Block("heading", (line[2:].strip(),)))
        elif line.startswith("- "):
            if paragraph:
                flush()
            items.append(line[2:].strip())
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return out
