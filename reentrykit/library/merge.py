"""Merge fields and the plain-text body format of documents.

``[[field]]`` is replaced by plain text from the coalition's record; nothing in a body
is ever run as a template, so an edited document cannot reach anything else. Figures
from the measures are read as a viewer of the coalition reads them (suppressed), and
their rates to a whole percent as on every page read outside the coalition: a document
is written to leave it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from reentrykit.coalitions.models import Coalition, Role
from reentrykit.core.access import as_viewer
from reentrykit.core.suppression import UNSTABLE_EVENTS, to_whole_percents

FIELD = re.compile(r"\[\[\s*([a-z_]+)\s*\]\]")
# Anything typed as a merge field, so that a misspelt one ("[[Coalition_Name]]",
# "[[one-year-rearrest]]") is reported rather than printed as typed.
ANY_FIELD = re.compile(r"\[\[\s*([^\[\]\n]*?)\s*\]\]")
# What is left of a merge field typed with a bracket missing ("[[today]", "today]]").
HALF_FIELD = re.compile(r"\[\[ *[^\s\[\]]* *\]?|\[? *[^\s\[\]]* *\]\]")
# Each stands where the figure would, inside a sentence ("of the people released in
# 2023, X were rearrested within a year").
NOT_YET = "a share not yet measured"
# Said beside a text holding NOT_YET, before it is handed out.
NOT_YET_NOTICE = (
    "Some figures are not measured yet: the text says “a share not yet measured” where "
    "they go. They fill in once the data steward has linked the partners' data; until "
    "then, change those sentences before handing the text out."
)
HIDDEN = "a share withheld to protect small counts"


# What an unstable rate rests on too few of, by measure.
EVENTS_IN_WORDS = {
    "rearrest": "rearrests",
    "reconviction": "reconvictions",
    "reincarceration": "reincarcerations",
}


class Record:
    """What merge fields read, for one merge: the coalition, and its suppressed headline
    looked up once however many fields use it."""

    def __init__(self, coalition: Coalition) -> None:
        self.coalition = coalition

    @functools.cached_property
    def headline(self) -> dict[str, Any]:
        """The headline's one-year cards that have a rate row, as a viewer sees them (by
        measure), and their release year; no cards before there are measures."""
        from reentrykit.metrics import selectors

        payload = selectors.latest_headline(self.coalition)
        if payload is None:
            return {"cards": {}, "year": None}
        cards = selectors.headline(as_viewer(self.coalition), payload)
        shown = {card["measure"]: card for card in cards if card["table"].rows}
        for card in shown.values():
            to_whole_percents(card["table"])
        return {"cards": shown, "year": payload["latest_complete_year"] if shown else None}


@dataclass(frozen=True)
class MergeField:
    name: str
    description: str
    value: Callable[[Record], str]


# The coalition record has no place name; its kind of jurisdiction reads naturally.
JURISDICTION_WORDS = {
    "city": "our city",
    "county": "our county",
    "tribal": "our tribal nation",
    "regional": "our region",
    "state": "our state",
}


def _jurisdiction(record: Record) -> str:
    return JURISDICTION_WORDS.get(record.coalition.jurisdiction_type, "our community")


def _coordinators(record: Record) -> str:
    # Those who can sign in: a deactivated account coordinates nothing. An account with
    # no name has only its sign-in e-mail address, which a document must not publish.
    memberships = record.coalition.memberships.filter(
        role=Role.COORDINATOR, user__is_active=True
    ).exclude(user__full_name="")
    names = [membership.user.full_name for membership in memberships.select_related("user")]
    return ", ".join(names) or "the coalition's coordinator"


def _organizations(record: Record) -> str:
    names = list(record.coalition.organizations.values_list("name", flat=True))
    return "\n".join(f"- {name}" for name in names) or "- (no partner organizations listed yet)"


def _services(record: Record) -> str:
    """The service directory (Resources), one service a line, by the need it meets."""
    from reentrykit.resources.models import Service

    lines = []
    for service in Service.objects.filter(coalition=record.coalition):
        contact = f", {service.phone}" if service.phone else ""
        lines.append(
            f"- {service.get_need_display()}: {service.name} ({service.provider}){contact}"
        )
    return "\n".join(lines) or "- (no services listed yet)"


def _one_year(measure: str) -> Callable[[Record], str]:
    """The value of the merge field of ``measure``'s one-year rate."""

    def value(record: Record) -> str:
        card = record.headline["cards"].get(measure)
        if card is None:
            return NOT_YET
        row = card["row"]
        rate = row.get("rate")
        if rate is None:
            return HIDDEN
        # Flagged as on every page that shows it (DATA.md, "Disclosure control").
        events = EVENTS_IN_WORDS[measure]
        unstable = (
            f" (unstable: fewer than {UNSTABLE_EVENTS} {events})" if row.get("unstable") else ""
        )
        return f"{rate * 100:.0f}%{unstable}"

    return value


def _partners(record: Record) -> str:
    count = record.coalition.organizations.count()
    return f"{count} partner organization{'' if count == 1 else 's'}"


def _cohort_year(record: Record) -> str:
    year = record.headline["year"]
    return str(year) if year is not None else "the latest year"


def _national(_record: Record) -> str:
    from reentrykit.metrics.selectors import NATIONAL_ONE_YEAR

    return f"{NATIONAL_ONE_YEAR['rearrest'] * 100:.1f}%"


def _mission(record: Record) -> str:
    return (
        record.coalition.mission_statement
        or "(Write the mission statement in the coalition's settings.)"
    )


def _long_date(_record: Record) -> str:
    today = timezone.localdate()
    return f"{today:%B} {today.day}, {today.year}"


FIELDS: tuple[MergeField, ...] = (
    MergeField("coalition_name", "The coalition's name", lambda r: r.coalition.name),
    MergeField("jurisdiction", "“our county”, “our city”…", _jurisdiction),
    MergeField("mission_statement", "The mission statement in settings", _mission),
    MergeField("coordinator_names", "The coordinators' names", _coordinators),
    MergeField("partner_organizations", "The partner organizations, one per line", _organizations),
    MergeField("services", "The service directory, one service per line", _services),
    MergeField(
        "partner_count",
        "How many partner organizations, as a number",
        lambda r: str(r.coalition.organizations.count()),
    ),
    MergeField("partners", "“12 partner organizations” (“1 partner organization”)", _partners),
    MergeField(
        "one_year_rearrest",
        "One-year rearrest rate to a whole percent, suppressed, marked when unstable",
        _one_year("rearrest"),
    ),
    MergeField(
        "one_year_reconviction",
        "One-year reconviction rate to a whole percent, suppressed, marked when unstable",
        _one_year("reconviction"),
    ),
    MergeField(
        "one_year_reincarceration",
        "One-year rate of return to jail or prison to a whole percent, suppressed, marked "
        "when unstable",
        _one_year("reincarceration"),
    ),
    MergeField("rearrest_cohort_year", "The release year of the one-year rates", _cohort_year),
    MergeField("national_one_year_rearrest", "The national reference rate", _national),
    MergeField(
        "suppression_threshold",
        "The smallest count shown",
        lambda r: str(r.coalition.suppression_k),
    ),
    MergeField("today", "Today's date", _long_date),
)
BY_NAME = {field.name: field for field in FIELDS}


def unknown_fields(body: str) -> list[str]:
    """Merge fields in ``body`` that do not exist (left as typed when merged)."""
    return sorted({name for name in ANY_FIELD.findall(body) if name not in BY_NAME})


def half_fields(body: str) -> list[str]:
    """Merge fields in ``body`` typed with a bracket missing, as typed."""
    rest = ANY_FIELD.sub(" ", body)
    return sorted({found.strip() for found in HALF_FIELD.findall(rest)})


def merged(body: str, coalition: Coalition) -> str:
    """``body`` with each known merge field replaced by its value (computed once)."""
    values: dict[str, str] = {}
    record = Record(coalition)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in BY_NAME:
            return match.group(0)
        if name not in values:
            values[name] = BY_NAME[name].value(record)
        return values[name]

    return FIELD.sub(value, body)


@dataclass(frozen=True)
class Block:
    """A piece of a body: ``kind`` is "heading", "paragraph" or "list"; a list's
    ``lines`` are its items, a heading's its one text, a paragraph's its lines (kept
    apart: an address or a signature block is written a line at a time)."""

    kind: str
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The headings, paragraphs and lists of a (merged) body, in order."""
    out: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(Block("paragraph", tuple(paragraph)))
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
