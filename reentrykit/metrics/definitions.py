"""The measures' definitions in plain words, for the dashboard and its PDF.

Built from the constants the engine computes with, so the words follow the code.
"""

from __future__ import annotations

from collections.abc import Iterable

from reentrykit.core.suppression import UNSTABLE_EVENTS
from reentrykit.data.schema import EXCLUDED_RELEASE_TYPES
from reentrykit.metrics.breakdowns import (
    ADMISSION_LOOKBACK_DAYS,
    PARTICIPATION_AFTER_DAYS,
    PARTICIPATION_STATUSES,
)
from reentrykit.metrics.cohorts import MEASURE_EVENTS, MEASURE_LABELS


def _listed(words: Iterable[str], last: str = "or") -> str:
    items = [word.replace("_", " ") for word in words]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def measure_definitions(*, k: int) -> list[tuple[str, str]]:
    """(term, definition) pairs for a coalition whose suppression threshold is ``k``."""
    events = "; ".join(
        f"{MEASURE_LABELS[measure].lower()} — {_listed(types)}"
        for measure, types in MEASURE_EVENTS.items()
    )
    return [
        (
            "Who is counted",
            "People released in a calendar year, each counted once, at their first release "
            f"that year. Releases recorded as {_listed(EXCLUDED_RELEASE_TYPES)} never count. "
            "Choosing jail or prison counts the people whose first release that year was "
            "from that kind of facility: the same people as that group of the breakdown "
            "by facility type, whose groups add up to the whole cohort.",
        ),
        (
            "Recidivism within a window",
            "A qualifying event dated after the day of release and no later than the "
            "window's last day; an event on the day of release does not count. The "
            f"events that count for each measure: {events}.",
        ),
        (
            "Full follow-up",
            "A rate within a window counts only people released at least that long before "
            "the date the data are complete through, so everyone counted had the whole "
            "window. Each window shows the latest release year whose every release had it.",
        ),
        (
            "Deaths",
            "People who died within the window before any qualifying event leave its "
            "denominator. In the survival curves a death ends a person's follow-up.",
        ),
        (
            "Intervals and tests",
            "Rates have 95% Wilson score intervals. Survival curves are Kaplan–Meier "
            "estimates with 95% bands (exponential Greenwood), compared across groups by "
            "the log-rank test.",
        ),
        (
            "Program participation",
            f"A program record ({_listed(PARTICIPATION_STATUSES)}) that started between "
            f"admission (or {ADMISSION_LOOKBACK_DAYS} days before release when the admission "
            f"date is unknown) and {PARTICIPATION_AFTER_DAYS} days after release. Such a "
            "comparison credits the program with the time before people enrolled; the "
            "adjusted comparison does not.",
        ),
        (
            "Small numbers",
            f"For everyone but the data steward, counts from 1 to {k - 1} show as “<{k}”, "
            f"rates on fewer than {k} people are hidden, a second count is hidden wherever "
            "a hidden one could be worked out from a total, and rates resting on fewer than "
            f"{UNSTABLE_EVENTS} events are marked unstable.",
        ),
    ]
