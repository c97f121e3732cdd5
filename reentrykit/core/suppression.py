"""Disclosure control: the one place every aggregate passes through before it leaves
the data steward role (pages, exports, the API, network views, public pages).

The rules (DATA.md, "Disclosure control"):
- a count from 1 to k-1 is hidden and shown as "<k"; zero is shown;
- a rate whose denominator is below k is hidden; so is a rate whose numerator, or
  whose complement (denominator - numerator), is hidden, because the rate times the
  denominator would give the hidden count back;
- complementary suppression: within a breakdown that shows a total, if exactly one
  cell of a column is hidden, the next smallest cell of that column is hidden too;
- a rate resting on fewer than 20 events is flagged unstable.
Data stewards see the raw figures, marked confidential.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

UNSTABLE_EVENTS = 20
SMALL = "small"
COMPLEMENTARY = "complementary"
DERIVED = "derived"


@dataclass(frozen=True)
class RateSpec:
    """A rate column and the counts it rests on; ``also_hide`` are its interval bounds."""

    rate: str
    numerator: str
    denominator: str
    also_hide: tuple[str, ...] = ()


@dataclass
class Disclosed:
    """A table ready to show: hidden values are None, with the reason per cell."""

    rows: list[dict[str, Any]]
    hidden: list[dict[str, str]] = field(default_factory=list)
    k: int = 11
    confidential: bool = False

    def display(self, index: int, column: str) -> str | None:
        """ "<k" for a small count, "suppressed" for other hidden cells, else None."""
        reason = self.hidden[index].get(column)
        if reason == SMALL:
            return f"<{self.k}"
        if reason:
            return "suppressed"
        return None


def is_small(value: Any, k: int) -> bool:
    return isinstance(value, int | float) and 0 < value < k


def suppress_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    k: int,
    counts: Sequence[str],
    rates: Sequence[RateSpec] = (),
    total_column: str | None = None,
    total_value: Any = None,
    unstable_events: str | None = None,
) -> Disclosed:
    """Apply the rules to one table. ``total_column``/``total_value`` name the row that
    holds the breakdown's total (e.g. group == "all"), which enables complementary
    suppression among the other rows."""
    out = [dict(row) for row in rows]
    hidden: list[dict[str, str]] = [{} for _ in out]
    for index, row in enumerate(out):
        for column in counts:
            if is_small(row.get(column), k):
                hidden[index][column] = SMALL
    if total_column is not None:
        parts = [i for i, row in enumerate(out) if row.get(total_column) != total_value]
        for column in counts:
            _complementary(out, hidden, parts, column)
    for index, row in enumerate(out):
        for spec in rates:
            denominator = row.get(spec.denominator)
            numerator = row.get(spec.numerator)
            complement = (
                denominator - numerator
                if isinstance(denominator, int | float) and isinstance(numerator, int | float)
                else None
            )
            if (
                (isinstance(denominator, int | float) and denominator < k)
                or spec.numerator in hidden[index]
                or spec.denominator in hidden[index]
                or is_small(complement, k)
            ):
                for column in (spec.rate, *spec.also_hide):
                    hidden[index].setdefault(column, DERIVED)
        if unstable_events is not None:
            events = row.get(unstable_events)
            row["unstable"] = isinstance(events, int | float) and events < UNSTABLE_EVENTS
    for index, row in enumerate(out):
        for column in hidden[index]:
            row[column] = None
        row["suppressed"] = bool(hidden[index])
    return Disclosed(rows=out, hidden=hidden, k=k)


def _complementary(
    rows: list[dict[str, Any]], hidden: list[dict[str, str]], parts: list[int], column: str
) -> None:
    suppressed = [i for i in parts if column in hidden[i]]
    if len(suppressed) != 1:
        return
    candidates = sorted(
        (
            i
            for i in parts
            if column not in hidden[i]
            and isinstance(rows[i].get(column), int | float)
            and rows[i][column] > 0
        ),
        key=lambda i: rows[i][column],
    )
    if candidates:
        hidden[candidates[0]][column] = COMPLEMENTARY


def raw_table(
    rows: Iterable[Mapping[str, Any]], *, k: int, unstable_events: str | None = None
) -> Disclosed:
    """What a data steward sees: every figure, flagged unstable where due, confidential."""
    out = [dict(row) for row in rows]
    for row in out:
        row["suppressed"] = False
        if unstable_events is not None:
            events = row.get(unstable_events)
            row["unstable"] = isinstance(events, int | float) and events < UNSTABLE_EVENTS
    return Disclosed(rows=out, hidden=[{} for _ in out], k=k, confidential=True)


def disclose(
    rows: Sequence[Mapping[str, Any]], *, unsuppressed: bool, k: int, **rules: Any
) -> Disclosed:
    """The single entry point: raw for data stewards (``unsuppressed``), suppressed otherwise."""
    if unsuppressed:
        return raw_table(rows, k=k, unstable_events=rules.get("unstable_events"))
    return suppress_table(rows, k=k, **rules)
