"""Disclosure control: the one place every aggregate passes through before it leaves
the data steward role (pages, exports, the API, network views, public pages).

The rules (DATA.md, "Disclosure control"):
- a count from 1 to k-1 is hidden and shown as "<k"; zero is shown;
- a rate whose denominator is below k is hidden; so is a rate whose numerator is
  hidden, because the rate times the denominator would give the hidden count back;
- a numerator is hidden when its complement (denominator - numerator) is from 1 to
  k-1, because the two counts shown together would give that small count away;
- complementary suppression: within a breakdown that shows a total, if exactly one
  cell of a column is hidden, the next smallest cell of that column is hidden too
  (a zero cell only when no non-zero one is left), and so is the smallest when the
  total is hidden and every cell shown (they would add up to it);
- a rate resting on fewer than 20 events is flagged unstable, unless its events are
  hidden, when the flag is unknown too;
- a count is hidden when the same count of another table differs from it by a small
  count (the recidivists of one cohort over two follow-up windows);
- a count that is part of another is hidden when the other less it is small, and
  the parts that split a count are a breakdown of it (the reentry map's flow);
- a survival curve is shown only when its group's n and events are, in steps of at
  least k events, and only while k or more people are at risk; its shares (and the
  cumulative incidence beside it) are worked out from those steps alone.
Data stewards see the raw figures, marked confidential.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reentrykit.core.estimators import aalen_johansen, product_limit

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

    def note(self, index: int) -> str:
        """Why a row's figures are hidden, where a "<k" does not say it already."""
        reasons = set(self.hidden[index].values())
        if COMPLEMENTARY in reasons:
            return "hidden so that a small group beside it cannot be worked out"
        if reasons and SMALL not in reasons:
            return "hidden: with the figures shown, it would give a small count away"
        return ""


# Rates outside the coalition (published pages, the network's pages and their files)
# are shown to a whole percent. To one decimal a rate and its Wilson interval give the
# cohort and the count back (one pair of them fits), and the measures' cohorts differ
# by the few people who died; to a whole percent some twenty pairs fit each.
OUTSIDE_RATE_DIGITS = 2
RATE_COLUMNS = ("rate", "ci_low", "ci_high")


def to_whole_percents(table: Disclosed) -> Disclosed:
    """``table`` as readers outside the coalition get it: its rates and their intervals
    rounded to a whole percent, in place (pages show them with no decimal)."""
    for row in table.rows:
        for column in RATE_COLUMNS:
            if isinstance(row.get(column), float):
                row[column] = round(row[column], OUTSIDE_RATE_DIGITS)
    return table


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
    parts: Sequence[tuple[str, str]] = (),
    withheld: Sequence[Iterable[str]] = (),
) -> Disclosed:
    """Apply the rules to one table. ``total_column``/``total_value`` name the row that
    holds the breakdown's total (e.g. group == "all"), which enables complementary
    suppression among the other rows. ``parts`` are (part, whole) count columns, such
    as events and people, whose difference must not give a small count away; each
    rate's numerator and denominator are such a pair too. ``withheld`` names, row by
    row, counts hidden because a figure of another table would give a small count away
    with them; the rules then run as for any hidden count."""
    out = [dict(row) for row in rows]
    hidden = _small_counts(out, counts, k)
    for cells, columns in zip(hidden, withheld, strict=False):
        for column in columns:
            cells.setdefault(column, DERIVED)
    pairs = [*((spec.numerator, spec.denominator) for spec in rates), *parts]
    for index, row in enumerate(out):
        for part, whole in pairs:
            _hide_small_complement(row, hidden[index], part, whole, k)
    if total_column is not None:
        parts = [i for i, row in enumerate(out) if row.get(total_column) != total_value]
        total = next((i for i, row in enumerate(out) if row.get(total_column) == total_value), None)
        for column in counts:
            complementary(out, hidden, parts, column, total=total)
    for index, row in enumerate(out):
        for spec in rates:
            denominator = row.get(spec.denominator)
            # A denominator of zero has no rate to hide: nobody, shown as such.
            if (
                (isinstance(denominator, int | float) and 0 < denominator < k)
                or spec.numerator in hidden[index]
                or spec.denominator in hidden[index]
            ):
                for column in (spec.rate, *spec.also_hide):
                    hidden[index].setdefault(column, DERIVED)
        if unstable_events is not None:
            # Unknown when the events are hidden: the flag would narrow the hidden count
            # (a count hidden beside its small complement, flagged stable, is 20 or more).
            unknown = unstable_events in hidden[index]
            row["unstable"] = None if unknown else _unstable(row, unstable_events, rates)
    return _applied(out, hidden, k)


def _unstable(row: Mapping[str, Any], events_column: str, rates: Sequence[RateSpec]) -> Any:
    """True when the row's rate rests on fewer than 20 events; None when the row has
    no rate at all (nobody in its denominator), since there is nothing to flag."""
    if rates and all(_missing(row.get(spec.rate)) for spec in rates):
        return None
    events = row.get(events_column)
    return isinstance(events, int | float) and events < UNSTABLE_EVENTS


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _hide_small_complement(
    row: Mapping[str, Any], hidden: dict[str, str], part: str, whole: str, k: int
) -> None:
    """Hides the part when the whole less it is from 1 to k-1: shown together, the
    two would give that small count away (95 of 100 people rearrested leaves 5 who
    were not)."""
    if part in hidden or whole in hidden:
        return
    if is_small(_less(row.get(whole), row.get(part)), k):
        hidden[part] = DERIVED


def _small_counts(
    rows: list[dict[str, Any]], counts: Sequence[str], k: int
) -> list[dict[str, str]]:
    """The hidden cells of each row, starting with its counts from 1 to k-1."""
    return [{column: SMALL for column in counts if is_small(row.get(column), k)} for row in rows]


def _applied(rows: list[dict[str, Any]], hidden: list[dict[str, str]], k: int) -> Disclosed:
    """The rows with their hidden cells blanked and marked."""
    for row, cells in zip(rows, hidden, strict=True):
        for column in cells:
            row[column] = None
        row["suppressed"] = bool(cells)
    return Disclosed(rows=rows, hidden=hidden, k=k)


def complementary(
    rows: list[dict[str, Any]],
    hidden: list[dict[str, str]],
    parts: list[int],
    column: str,
    *,
    total: int | None = None,
) -> None:
    """Hides a second cell of ``column`` when exactly one of the ``parts`` is hidden:
    the smallest other non-zero part, or failing that a zero part (hidden, it is no
    longer known to be zero). A lone part equals its total, which the same rules hide.
    The row ``total`` (when given) adds up the parts: hidden (a figure of another table
    would give a small count away with it) while every part is shown, the parts' sum
    would give it back, so a part is hidden as above."""
    suppressed = [i for i in parts if column in hidden[i]]
    total_alone = total is not None and column in hidden[total] and not suppressed
    if len(suppressed) != 1 and not total_alone:
        return
    shown = [
        i for i in parts if column not in hidden[i] and isinstance(rows[i].get(column), int | float)
    ]
    # Non-zero parts first, each group smallest first.
    shown.sort(key=lambda i: (rows[i][column] == 0, rows[i][column]))
    if shown:
        hidden[shown[0]][column] = COMPLEMENTARY


def raw_table(
    rows: Iterable[Mapping[str, Any]],
    *,
    k: int,
    unstable_events: str | None = None,
    rates: Sequence[RateSpec] = (),
) -> Disclosed:
    """What a data steward sees: every figure, flagged unstable where due, confidential."""
    out = [dict(row) for row in rows]
    for row in out:
        row["suppressed"] = False
        if unstable_events is not None:
            row["unstable"] = _unstable(row, unstable_events, rates)
    return Disclosed(rows=out, hidden=[{} for _ in out], k=k, confidential=True)


def disclose(
    rows: Sequence[Mapping[str, Any]], *, unsuppressed: bool, k: int, **rules: Any
) -> Disclosed:
    """The single entry point: raw for data stewards (``unsuppressed``), suppressed otherwise."""
    if unsuppressed:
        return raw_table(
            rows, k=k, unstable_events=rules.get("unstable_events"), rates=rules.get("rates", ())
        )
    return suppress_table(rows, k=k, **rules)


def disclose_flow(rows: Sequence[Mapping[str, Any]], *, unsuppressed: bool, k: int) -> Disclosed:
    """Counts at the decision points of the reentry map: rows with ``key``, ``parent``
    (the key of the step they are part of, or empty) and ``count``.

    Besides the small counts, a count whose parent's count less its own is from 1 to
    k-1 is hidden (the two would give that small count away, as a rate's complement
    would), and the rows keyed ``<parent>:<value>`` split their parent, so they are a
    breakdown with the parent as its total and complementary suppression applies.
    """
    if unsuppressed:
        return raw_table(rows, k=k)
    out = [dict(row) for row in rows]
    hidden = _small_counts(out, ["count"], k)
    index_of = {row["key"]: index for index, row in enumerate(out)}
    for index, row in enumerate(out):
        parent = index_of.get(row.get("parent") or "")
        if parent is not None and is_small(_less(out[parent]["count"], row["count"]), k):
            hidden[index].setdefault("count", DERIVED)
    for key in index_of:
        parts = [
            index
            for index, row in enumerate(out)
            if row.get("parent") == key and str(row["key"]).startswith(f"{key}:")
        ]
        complementary(out, hidden, parts, "count")
    return _applied(out, hidden, k)


def _less(total: Any, part: Any) -> Any:
    if isinstance(total, int | float) and isinstance(part, int | float):
        return total - part
    return None


def common_steps(
    curves: Mapping[str, list[dict[str, Any]]], *, k: int, total: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The curves of one breakdown (each group's points from day 0, day ascending) as
    non-stewards see them: steps of at least k events each, on days every curve shows,
    and none once fewer than k are at risk.

    Each step of a survival curve shows how many of those at risk had the event that
    day, so every step would give small counts away even with them blanked. With a
    ``total`` curve (everyone's) among them, subtraction must give nothing small
    either: the total less the groups still shown is what the others (stopped, or
    hidden by :func:`disclose`) hold together. So steps fall on days every curve shows
    and that the total shows on its own page too; a step needs that remainder's events
    to be none or at least k; and when a group comes to fewer than k at risk, or the
    remainder does, the smallest of the shown groups stops too (complementary
    suppression, as in a table). Every curve stops with the total.

    A step's ``at_risk`` is the number at risk at the start of the stretch it pools
    (on the curve's first day after the previous step), as in a life table: the day's
    own number, less the next step's, would split the pooled events (some before the
    step's day, the rest on it) into the small counts the pooling hides.
    """
    if any(not points or points[0]["at_risk"] < k for points in curves.values()):
        return {group: [] for group in curves}
    shown = {group: [dict(points[0])] for group, points in curves.items()}
    at = {group: {p["day"]: p for p in points[1:]} for group, points in curves.items()}
    total = total if total in curves else None
    own_days = None
    if total is not None and len(curves) > 1:
        # The total's steps on its own page: its events to date on any day shown here
        # are then a number that page shows already.
        own_days = {p["day"] for p in common_steps({total: curves[total]}, k=k)[total][1:]}
    active = set(curves)
    pooled = dict.fromkeys(curves, 0)
    # Each curve's number at risk at the start of the stretch being pooled.
    start: dict[str, Any] = dict.fromkeys(curves)
    for day in sorted({day for days in at.values() for day in days}):
        for group in active:
            pooled[group] += int(at[group].get(day, {}).get("events", 0))
            if start[group] is None and day in at[group]:
                start[group] = at[group][day]["at_risk"]
        if not all(day in at[group] for group in active):
            continue  # not a day every curve shows
        active -= _stopping(active, {g: at[g][day]["at_risk"] for g in active}, k, total)
        if not active:
            break
        if own_days is not None and day not in own_days:
            continue
        if (
            all(pooled[g] >= k for g in active)
            and not is_small(_remainder(pooled, active, total), k)
            and not is_small(_remainder(start, active, total), k)
        ):
            for group in active:
                shown[group].append(
                    {**at[group][day], "at_risk": start[group], "events": pooled[group]}
                )
                pooled[group] = 0
                start[group] = None
    return shown


def _remainder(values: Mapping[str, Any], active: set[str], total: str | None) -> Any:
    """The total's value less the other active curves': what the stopped and hidden
    groups hold together (none without the total)."""
    if total not in active:
        return 0
    return values[total] - sum(values[group] for group in active if group != total)


def _stopping(active: set[str], at_risk: dict[str, Any], k: int, total: str | None) -> set[str]:
    """The curves that stop on a day: every one when the total has fewer than k at
    risk; else those with fewer than k, and then the smallest of the others until the
    remainder (:func:`_remainder`) is none or at least k."""
    if total in active and at_risk[total] < k:
        return set(active)
    stopping = {group for group in active if at_risk[group] < k}
    if total not in active:
        return stopping
    going = sorted((at_risk[group], group) for group in active - stopping - {total})
    while going and is_small(_remainder(at_risk, {total, *(g for _, g in going)}, total), k):
        stopping.add(going.pop(0)[1])
    return stopping


def life_table(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pooled steps with their survival and band worked out from their own numbers at
    risk and events (a life table), in place of the day's Kaplan–Meier values.

    The exact curve at a pooled step depends on how the stretch's events fell between
    its deaths and other censorings (each event's denominator is the number at risk
    that day), so with the counts beside it, it would tell how many events came before
    a death: a small count the pooling hides. Without censoring inside the stretches the
    two are the same.
    """
    if len(points) < 2:
        return points
    steps = points[1:]
    survival, low, high = product_limit(
        np.array([p["at_risk"] for p in steps]), np.array([p["events"] for p in steps])
    )
    return [
        points[0],
        *(
            {**point, "survival": float(s), "ci_low": float(lo), "ci_high": float(hi)}
            for point, s, lo, hi in zip(steps, survival, low, high, strict=True)
        ),
    ]


def life_table_incidence(
    steps: Sequence[Mapping[str, Any]], daily: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The cumulative incidence with death competing on the days of a member's pooled
    survival steps, worked out from those steps as :func:`life_table` works out the
    survival: each stretch's events against its number at risk at the start, so that
    the values do not tell how its events fell among its deaths.

    ``steps`` are the pooled points (day 0 first: ``day``, ``at_risk``, ``events``);
    ``daily`` the exact estimator's rows (day 0 first: ``day``, ``events``,
    ``competing``), whose deaths are pooled too: those from a step to the next
    stretch's first event left the risk set before its start (a step of their own, as
    the exact estimator has one per day), the others are the stretch's.
    """
    if len(steps) < 2:
        return []
    at_risk: list[float] = []
    events: list[float] = []
    deaths: list[float] = []
    read: list[int] = []
    rows = iter(sorted(daily, key=lambda row: row["day"]))
    row = next(rows, None)
    for step in steps[1:]:
        # The rows up to the step's day, in one pass over them all (a large county has
        # a row and a step for most days).
        before = inside = 0
        started = False
        while row is not None and row["day"] <= step["day"]:
            started = started or bool(row["events"])
            if started:
                inside += row["competing"]
            else:
                before += row["competing"]
            row = next(rows, None)
        if before:
            at_risk.append(step["at_risk"] + before)
            events.append(0)
            deaths.append(before)
        at_risk.append(step["at_risk"])
        events.append(step["events"])
        deaths.append(inside)
        read.append(len(at_risk) - 1)
    share, low, high = aalen_johansen(np.array(at_risk), np.array(events), np.array(deaths))
    zero = {"day": 0, "cumulative_incidence": 0.0, "ci_low": 0.0, "ci_high": 0.0}
    return [
        zero,
        *(
            {
                "day": step["day"],
                "cumulative_incidence": float(share[index]),
                "ci_low": float(low[index]),
                "ci_high": float(high[index]),
            }
            for step, index in zip(steps[1:], read, strict=True)
        ),
    ]


def disclose_curves(
    points: Sequence[Mapping[str, Any]],
    *,
    unsuppressed: bool,
    k: int,
    total_group: str | None = None,
) -> list[dict[str, Any]]:
    """Survival curves fit to show: one ``{"group", "n", "events", "points"}`` per
    group of ``points`` (each group's points from day 0, day ascending, with
    ``at_risk`` and ``events``).

    A data steward gets every point. For anyone else each group's n and events pass
    through :func:`disclose` (complementary suppression against the ``total_group``
    curve, when there is one); a group with either hidden gets no points, and the
    others show common pooled steps only (:func:`common_steps`).
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for point in points:
        groups.setdefault(str(point["group"]), []).append(dict(point))
    summary = [
        {"group": group, "n": int(of[0]["at_risk"]), "events": sum(int(p["events"]) for p in of)}
        for group, of in groups.items()
    ]
    rules: dict[str, Any] = {"counts": ["n", "events"], "parts": [("events", "n")]}
    if total_group is not None:
        rules.update(total_column="group", total_value=total_group)
    disclosed = disclose(summary, unsuppressed=unsuppressed, k=k, **rules)
    visible = {
        row["group"]: groups[row["group"]]
        for row, hidden in zip(disclosed.rows, disclosed.hidden, strict=True)
        if not hidden
    }
    if unsuppressed:
        steps = groups
    else:
        pooled = common_steps(visible, k=k, total=total_group)
        if total_group in visible and len(visible) > 1:
            # Everyone's curve as on its own page, which steps on every day the groups
            # do and on more: the groups' steps alone are bound to the total's days,
            # and a small hidden group can hold them back for most of the year.
            pooled[total_group] = common_steps({total_group: visible[total_group]}, k=k)[
                total_group
            ]
        steps = {group: life_table(points) for group, points in pooled.items()}
    # A curve's events less its steps' are those after its last step: when that is
    # small for any curve, no curve's events show (they would give it away, directly
    # or through the total).
    tail_small = not unsuppressed and any(
        is_small(row["events"] - sum(p["events"] for p in steps[row["group"]][1:]), k)
        for row in disclosed.rows
        if row["group"] in visible and row["events"] is not None
    )
    return [
        {
            "group": row["group"],
            "n": row["n"],
            "events": None if tail_small else row["events"],
            "points": steps.get(row["group"], []),
        }
        for row in disclosed.rows
    ]
