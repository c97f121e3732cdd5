"""The toolkit path on each coalition's home page.

Each module registers its step (title, short help, how to compute its status from
the module's data, where to go). The home page lists the registered steps in
order, so a new module appears on the path by registering, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Exists, QuerySet
from django.urls import reverse

from reentrykit.coalitions.models import Coalition
from reentrykit.core.access import Capability, CoalitionAccess


class StepStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "in_progress": "In progress",
            "complete": "Complete",
        }[self.value]


# Who takes a step's next action, for the readers who may not.
TAKEN_BY = {
    Capability.MANAGE: "Your coordinator does this",
    Capability.PERSON_LEVEL: "Your data steward does this",
    Capability.CONTRIBUTE: "Your coordinator and members do this",
}


@dataclass(frozen=True)
class StepState:
    status: StepStatus
    checklist: list[tuple[str, bool]] = field(default_factory=list)
    next_action: str = ""
    # What a reader needs to take the next action, and what the others read instead:
    # many steps are the coordinator's or the data steward's alone.
    next_by: Capability = Capability.CONTRIBUTE
    next_for_others: str = ""

    def next_for(self, access: CoalitionAccess) -> str:
        """The next action as this reader should read it: theirs to take, or whose."""
        if not self.next_action or access.can(self.next_by):
            return self.next_action
        return self.next_for_others or f"{self.next_action}. {TAKEN_BY[self.next_by]}"


@dataclass(frozen=True)
class PathStep:
    key: str
    order: int
    title: str
    help: str
    url_name: str
    state: Callable[[Coalition], StepState]
    # The document library's starting texts for this step: (kind, title) pairs.
    documents: tuple[tuple[str, str], ...] = ()

    def url(self, coalition: Coalition) -> str:
        return reverse(self.url_name, kwargs={"coalition_slug": coalition.slug})

    def document_links(self, coalition: Coalition) -> list[tuple[str, str]]:
        """(title, address) of each of the step's documents in the coalition's library."""
        return [
            (
                title,
                reverse(
                    "library:document", kwargs={"coalition_slug": coalition.slug, "kind": kind}
                ),
            )
            for kind, title in self.documents
        ]


_steps: dict[str, PathStep] = {}


def register_step(step: PathStep) -> None:
    _steps[step.key] = step


def path_steps() -> list[PathStep]:
    return sorted(_steps.values(), key=lambda step: step.order)


@dataclass(frozen=True)
class PathEntry:
    step: PathStep
    state: StepState
    url: str
    # (title, address) of the step's starting documents (``PathStep.document_links``).
    documents: list[tuple[str, str]] = field(default_factory=list)


def _entry(step: PathStep, coalition: Coalition) -> PathEntry:
    return PathEntry(
        step=step,
        state=step.state(coalition),
        url=step.url(coalition),
        documents=step.document_links(coalition),
    )


def path_for(coalition: Coalition) -> list[PathEntry]:
    return [_entry(step, coalition) for step in path_steps()]


def status_from_checks(checks: list[tuple[str, bool]]) -> StepStatus:
    done = sum(1 for _, ok in checks if ok)
    if done == len(checks):
        return StepStatus.COMPLETE
    return StepStatus.IN_PROGRESS if done else StepStatus.NOT_STARTED


def exists_each(coalition: Coalition, **querysets: QuerySet[Any]) -> dict[str, bool]:
    """Whether each queryset has a row, asked in one query (the home page runs every
    step's checks)."""
    # Prefixed: the names may be the coalition's own relations (priorities, services).
    row = (
        Coalition.objects.filter(pk=coalition.pk)
        .values(**{f"has_{name}": Exists(queryset) for name, queryset in querysets.items()})
        .get()
    )
    return {name: bool(row[f"has_{name}"]) for name in querysets}


def state_from_checks(
    checks: list[tuple[str, bool]],
    *,
    by: Capability | Sequence[Capability] = Capability.CONTRIBUTE,
    for_others: Mapping[Capability, str] | None = None,
) -> StepState:
    """A step's state from its checklist: the first unmet check is what to do next.

    ``by`` is what a reader needs to take the checks' actions, one for all or one per
    check; ``for_others`` what those who may not read instead, by what they lack."""
    needs = [by] * len(checks) if isinstance(by, Capability) else list(by)
    unmet = next(
        ((label, need) for (label, ok), need in zip(checks, needs, strict=True) if not ok), None
    )
    if unmet is None:
        return StepState(status=status_from_checks(checks), checklist=checks)
    label, need = unmet
    return StepState(
        status=status_from_checks(checks),
        checklist=checks,
        next_action=label,
        next_by=need,
        next_for_others=(for_others or {}).get(need, ""),
    )


@dataclass(frozen=True)
class NextStep:
    """The "What to do next" of the home page, for one reader."""

    entry: PathEntry
    text: str
    # When the next step is someone else's: the first step after it the reader can take.
    meanwhile: PathEntry | None = None
    # Whether ``text`` is the reader's own to do (a checklist item not yet done) rather
    # than a sentence saying whose it is.
    own: bool = False


def next_step_for(entries: list[PathEntry], access: CoalitionAccess) -> NextStep | None:
    open_entries = [entry for entry in entries if entry.state.status != StepStatus.COMPLETE]
    if not open_entries:
        return None
    first = open_entries[0]
    meanwhile = None
    if not access.can(first.state.next_by):
        meanwhile = next(
            (entry for entry in open_entries[1:] if access.can(entry.state.next_by)), None
        )
    return NextStep(
        entry=first,
        text=first.state.next_for(access),
        meanwhile=meanwhile,
        own=bool(first.state.next_action) and access.can(first.state.next_by),
    )


def step_context(coalition: Coalition, key: str) -> dict[str, Any]:
    """The path step ``key`` (its number, status and next action) with the step it
    builds on and the one that follows, for the top of the step's own page."""
    steps = path_steps()
    index = next(i for i, step in enumerate(steps) if step.key == key)

    def entry(at: int) -> PathEntry | None:
        if not 0 <= at < len(steps):
            return None
        return _entry(steps[at], coalition)

    return {
        "number": index + 1,
        "total": len(steps),
        "current": entry(index),
        "previous": entry(index - 1),
        "following": entry(index + 1),
    }
