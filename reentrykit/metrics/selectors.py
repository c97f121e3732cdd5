"""Reads of the cached measures, always through disclosure control for the viewer's role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from reentrykit.core.access import Capability, CoalitionAccess
from reentrykit.core.suppression import (
    Disclosed,
    RateSpec,
    complementary,
    disclose,
    disclose_curves,
    disclose_flow,
    is_small,
    life_table_incidence,
)
from reentrykit.metrics.breakdowns import (
    ALL,
    NON_PARTICIPANT,
    PARTICIPANT,
    is_program_breakdown,
    ordered_groups,
)
from reentrykit.metrics.models import REQUEUE_AFTER, AdjustedComparison, MetricSnapshot

RATE_RULES: dict[str, Any] = {
    "counts": ["cohort", "recidivists"],
    "rates": [RateSpec("rate", "recidivists", "cohort", also_hide=("ci_low", "ci_high"))],
    "total_column": "group",
    "total_value": "all",
    "unstable_events": "recidivists",
}
# A pending fit older than this tells the reader it is slow, and what to do about it.
SLOW_FIT = dt.timedelta(minutes=5)
HEADLINE_MEASURES = ("rearrest", "reconviction", "reincarceration")
# Bureau of Justice Statistics, state prisoners released in 2005 in 30 states
# (DATA.md, "Reference figures"): rearrested within 1, 3 and 5 years, and returned to
# prison within 5 years, by (measure, window in days).
NATIONAL = {
    ("rearrest", 365): 0.434,
    ("rearrest", 1095): 0.678,
    ("rearrest", 1825): 0.766,
    ("reincarceration", 1825): 0.551,
}
NATIONAL_ONE_YEAR = {measure: rate for (measure, window), rate in NATIONAL.items() if window == 365}
# The JSON keys of `reentrykit metrics program-effect` (a contract), in order.
PROGRAM_EFFECT_KEYS = (
    "hazard_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "events",
    "covariates",
    "ph_assumption_ok",
)


def adjusted(access: CoalitionAccess, comparison: AdjustedComparison) -> dict[str, Any]:
    """What a page shows of an adjusted comparison, disclosed for the viewer's role."""
    completed, kind = comparison.completed_only, comparison.program_type
    programs = "any program" if kind == "any" else f"{kind.replace('_', ' ')} programs"
    out: dict[str, Any] = {
        "status": comparison.status,
        "error": comparison.error,
        "program": f"{'completing' if completed else 'taking part in'} {programs}",
        "overdue": comparison.status == AdjustedComparison.Status.PENDING
        and comparison.created_at <= timezone.now() - SLOW_FIT,
        "requeue_minutes": int(REQUEUE_AFTER.total_seconds() // 60),
    }
    if comparison.status != AdjustedComparison.Status.DONE:
        return out
    result = comparison.result
    shown = disclose_program_effect(
        result, k=access.coalition.suppression_k, unsuppressed=sees_raw(access)
    )
    return {
        **out,
        "shown": shown,
        "withheld": shown["hazard_ratio"] is None and result.get("hazard_ratio") is not None,
        "covariates": [name.replace("_", " ") for name in shown["covariates"]],
        "note": result.get("note", ""),
        "through": result.get("data_through", ""),
    }


def latest_snapshot(coalition: Any) -> MetricSnapshot | None:
    return MetricSnapshot.objects.filter(coalition=coalition).first()


def measures_computed(coalition: Any) -> bool:
    """Whether a refresh has run for the coalition (without loading its payload)."""
    return MetricSnapshot.objects.filter(coalition=coalition).exists()


HEADLINE_WINDOW = 365


def headline_rows(rates: list[dict[str, Any]], *, year: int) -> list[dict[str, Any]]:
    """The rate rows the headline shows: one year, overall, of the headline measures."""
    return [
        row
        for row in rates
        if row["measure"] in HEADLINE_MEASURES
        and row["window_days"] == HEADLINE_WINDOW
        and row["cohort_year"] == year
        and row["breakdown"] == ALL
    ]


def latest_payload(coalition: Any, *keys: str) -> dict[str, Any] | None:
    """Only ``keys`` of the latest snapshot's payload (those it has), read without
    loading the rest (megabytes of curves for a large county); None when the coalition
    has no measures."""
    row = (
        MetricSnapshot.objects.filter(coalition=coalition)
        .values("payload__empty", *(f"payload__{key}" for key in keys))
        .first()
    )
    if row is None or row["payload__empty"]:
        return None
    return {key: row[f"payload__{key}"] for key in keys if row[f"payload__{key}"] is not None}


def measured_release_years(coalition: Any) -> tuple[int, int] | None:
    """The first and the last release year of the coalition's linked data, as its
    latest measures have them (each has a cohort of its overall rates); None without
    measures. Read from the cached measures, unlike ``cohorts.release_years``, which
    asks the person-level store."""
    payload = latest_payload(coalition, "rates")
    years = [
        row["cohort_year"]
        for row in (payload or {}).get("rates", [])
        if row.get("cohort_year") is not None
    ]
    return (min(years), max(years)) if years else None


def latest_headline(coalition: Any) -> dict[str, Any] | None:
    """Enough of the latest snapshot for :func:`headline`: its year, ``data_through``
    and the headline's rate rows (:func:`latest_payload`); None when the coalition has
    no measures."""
    payload = latest_payload(
        coalition, "headline", "latest_complete_year", "data_through", "unmeasured"
    )
    if payload is None:
        return None
    if "headline" not in payload:  # made before the headline was cached apart
        snapshot = latest_snapshot(coalition)
        if snapshot is None:  # deleted meanwhile by a newer refresh's pruning
            return None
        year = snapshot.payload["latest_complete_year"]
        payload["headline"] = headline_rows(snapshot.payload.get("rates", []), year=year)
    return {**payload, "rates": payload.pop("headline")}


def sees_raw(access: CoalitionAccess) -> bool:
    return access.can(Capability.PERSON_LEVEL)


# The order in which one cohort's windows keep their figures when two of them would
# give a small count away: the headline's year, then the national references' three
# and five years, then the rest.
WINDOW_PRIORITY = (365, 1095, 1825, 180, 730)


def _window_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["measure"], row["cohort_year"], *_group_key(row["breakdown"], row["group"]))


def _group_key(breakdown: str | None, group: str) -> tuple[str, str]:
    """A group as a cohort key names it: a breakdown's ``all`` row is the whole cohort."""
    return (ALL, ALL) if group == ALL or not breakdown else (breakdown, group)


def _could_show_recidivists(row: dict[str, Any], k: int) -> bool:
    """Whether a rate row's own rules leave its recidivists shown (zero, or k or more,
    of a cohort of k or more, with k or more or none who did not recidivate)."""
    cohort, recidivists = row.get("cohort"), row.get("recidivists")
    if not isinstance(cohort, int | float) or not isinstance(recidivists, int | float):
        return False
    return not is_small(recidivists, k) and cohort >= k and not is_small(cohort - recidivists, k)


def windows_withheld(payload: dict[str, Any], k: int) -> frozenset[tuple[Any, ...]]:
    """The rate rows (:func:`_window_key` and window) whose recidivists are withheld
    outside the data steward role because of another window of the same cohort.

    The recidivists of one cohort year and group over two windows differ by the people
    whose first event fell between the two windows: a small difference would be a
    small count given away by two figures each shown on its own page. Windows keep
    their figures in :data:`WINDOW_PRIORITY`'s order; a window is withheld when its
    recidivists differ from a kept window's by 1 to k-1 (the survival curves, by the
    same reasoning, step only on k or more events).
    """
    return _withheld_windows(
        ((_window_key(row), row["window_days"], row, 0) for row in payload.get("rates", [])), k
    )


def _withheld_windows(
    figures: Iterable[tuple[tuple[Any, ...], int, dict[str, Any], int]], k: int
) -> frozenset[tuple[Any, ...]]:
    """:func:`windows_withheld` of ``figures``: (cohort key, window, rate row, rank)
    tuples, the rows of one key being one cohort and group over several windows.
    Windows of a lower rank are decided first, so that figures of a higher rank (the
    indicators') cannot change what the lower ones (the measures pages') show. The
    rows a key has twice for a window (one figure read in two places) count once."""
    series: dict[tuple[Any, ...], dict[int, tuple[int, dict[str, Any]]]] = {}
    for key, window, row, rank in figures:
        by_window = series.setdefault(key, {})
        if window not in by_window or rank < by_window[window][0]:
            by_window[window] = (rank, row)
    priority = {window: index for index, window in enumerate(WINDOW_PRIORITY)}
    withheld = set()
    for key, by_window in series.items():
        kept: list[int] = []
        order = sorted(
            by_window, key=lambda w: (by_window[w][0], priority.get(w, len(priority)), w)
        )
        for window in order:
            row = by_window[window][1]
            if not _could_show_recidivists(row, k):
                continue
            if any(is_small(abs(row["recidivists"] - other), k) for other in kept):
                withheld.add((*key, window))
            else:
                kept.append(row["recidivists"])
    return frozenset(withheld)


def _disclose_rates(
    access: CoalitionAccess, payload: dict[str, Any], rows: list[dict[str, Any]], **rules: Any
) -> Disclosed:
    """Rate rows of the payload disclosed for the reader, with the recidivists that
    another window would give away (:func:`windows_withheld`) hidden outside the data
    steward role."""
    k = access.coalition.suppression_k
    if sees_raw(access):
        return disclose(rows, unsuppressed=True, k=k, **rules)
    withheld = windows_withheld(payload, k)
    marks = [
        ("recidivists",) if (*_window_key(row), row["window_days"]) in withheld else ()
        for row in rows
    ]
    return disclose(rows, unsuppressed=False, k=k, withheld=marks, **rules)


def _rate_rows(
    payload: dict[str, Any],
    *,
    measure: str,
    window: int,
    year: int,
    breakdown: str,
    as_command_line: bool = False,
) -> list[dict[str, Any]]:
    rows = [
        r
        for r in payload.get("rates", [])
        if r["measure"] == measure
        and r["window_days"] == window
        and r["cohort_year"] == year
        and r["breakdown"] in (breakdown, "all")
        and (breakdown == "all" or r["breakdown"] == breakdown or r["group"] == "all")
    ]
    # The "all" row of the overall breakdown is the breakdown's total.
    total = [r for r in rows if r["breakdown"] == "all"]
    parts = [r for r in rows if r["breakdown"] == breakdown and breakdown != "all"]
    if not as_command_line or not parts:
        return parts + total
    if is_program_breakdown(breakdown):
        # Both groups, one nobody is in with a cohort of 0.
        present = {r["group"] for r in parts}
        empty = {"cohort": 0, "recidivists": 0, "rate": None, "ci_low": None, "ci_high": None}
        parts += [
            {**parts[0], "group": group, **empty}
            for group in (PARTICIPANT, NON_PARTICIPANT)
            if group not in present
        ]
    # The breakdown's own order (the cache keeps the engine's).
    order = ordered_groups(breakdown, [r["group"] for r in parts])
    return sorted(parts, key=lambda r: order.index(r["group"])) + total


def rates(
    access: CoalitionAccess,
    payload: dict[str, Any],
    *,
    measure: str,
    window: int,
    year: int,
    breakdown: str,
    as_command_line: bool = False,
) -> Disclosed:
    """The cached rates of a breakdown, disclosed for the reader; ``as_command_line``:
    with the groups of ``reentrykit metrics recidivism`` (a program breakdown's both),
    in its order."""
    rows = _rate_rows(
        payload,
        measure=measure,
        window=window,
        year=year,
        breakdown=breakdown,
        as_command_line=as_command_line,
    )
    k = access.coalition.suppression_k
    table = _disclose_rates(access, payload, rows, **RATE_RULES)
    if not sees_raw(access) and _overlap_small(
        payload, measure=measure, window=window, year=year, breakdown=breakdown, k=k
    ):
        withhold_groups(table)
    if (
        not sees_raw(access)
        and breakdown == "risk_level"
        and year == payload.get("latest_complete_year")
    ):
        split_high_risk_total(table, intermediate(access, payload))
    return table


def split_high_risk_total(table: Disclosed, shares: Disclosed) -> None:
    """The intermediate measures' high-risk denominators count the same cohort's high
    and very high risk releases together: where the reader sees one, it is a second
    total of the risk levels' cohorts (54 high-risk releases beside 50 at high risk give
    4 at very high risk away). Complementary suppression as for the breakdown's total,
    among the two levels it adds up and among the other levels (the total less it)."""
    from reentrykit.metrics.intermediate import HIGH_RISK

    if not _high_risk_total_shown(shares):
        return
    parts = [i for i, row in enumerate(table.rows) if row.get("group") != "all"]
    high = [i for i in parts if table.rows[i].get("group") in HIGH_RISK]
    for of in (high, [i for i in parts if i not in high]):
        complementary(table.rows, table.hidden, of, "cohort")
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        if "cohort" in hidden and row.get("cohort") is not None:
            for column in ("cohort", "rate", "ci_low", "ci_high"):
                hidden.setdefault(column, "derived")
                row[column] = None
            row["suppressed"] = True


def _high_risk_total_shown(shares: Disclosed) -> bool:
    """Whether the reader sees a high-risk denominator among the intermediate measures
    (``shares``, disclosed for them)."""
    from reentrykit.metrics.intermediate import HIGH_RISK_SHARES

    return any(
        row.get("key") in HIGH_RISK_SHARES and row.get("denominator") is not None
        for row in shares.rows
    )


# Breakdowns whose groups overlap another breakdown's: subtracting one's cell from the
# other's gives people no table shows (aged 25-29; enrolled in a program but did not
# complete it). When such a difference is from 1 to k-1, the narrower breakdown's
# groups are withheld (DATA.md: no hidden count recovered by subtraction).
def _overlaps(breakdown: str) -> list[tuple[str, list[tuple[int, str, str]]]]:
    """Each derived cell that ``breakdown`` (the narrower) takes part in, as the signed
    (sign, breakdown, group) terms that add up to it."""
    from reentrykit.metrics.breakdowns import PROGRAM_CHOICES

    if breakdown == "age_band":
        group, band = "age_group", "age_band"
        return [
            ("18-19", [(1, band, "under_20"), (-1, group, "under_18")]),
            (
                "20-24",
                [(1, group, "18-24"), (1, group, "under_18"), (-1, band, "under_20")],
            ),
            ("25-29", [(1, group, "25-39"), (-1, band, "30-39")]),
        ]
    if ":" not in breakdown:
        return []
    prefix, kind = breakdown.split(":", 1)
    wider = []
    if prefix == "program_completed":
        wider.append(f"program:{kind}")
        if kind != "any":
            wider += ["program_completed:any", "program:any"]
    elif kind != "any" and kind in PROGRAM_CHOICES:
        wider.append("program:any")
    return [(wide, [(1, wide, PARTICIPANT), (-1, breakdown, PARTICIPANT)]) for wide in wider]


def overlap_small(rows: list[dict[str, Any]], *, breakdown: str, k: int) -> bool:
    """Whether rate rows of one measure, window and cohort (``breakdown``'s groups and
    those of :func:`overlapping_breakdowns`, each row naming its ``breakdown``) give a
    small count away by subtraction: the command line's check, as :func:`rates`'."""
    cells = {(row["breakdown"], row["group"]): row for row in rows}
    return any(
        _difference_small(terms, cells, k)
        for _name, terms in _overlaps(breakdown)
        if any((b, g) in cells for _, b, g in terms if b != breakdown)
    )


def _overlap_small(
    payload: dict[str, Any], *, measure: str, window: int, year: int, breakdown: str, k: int
) -> bool:
    overlaps = _overlaps(breakdown)
    if not overlaps:  # most breakdowns: no need to read every cached rate
        return False
    # Every measure and window of a release year has (but for deaths) the same cohort:
    # the wider breakdown's cohort is taken from each of them, its recidivists from this
    # measure and window only.
    by_view: dict[tuple[str, int], dict[tuple[str, str], dict[str, Any]]] = {}
    for row in payload.get("rates", []):
        if row["cohort_year"] == year:
            view = by_view.setdefault((row["measure"], row["window_days"]), {})
            view[(row["breakdown"], row["group"])] = row
    own = by_view.get((measure, window), {})
    for _name, terms in overlaps:
        for view_key, other in by_view.items():
            if not any(
                (b, g) in other for _, b, g in terms if b != breakdown
            ):  # the other breakdown is not cached: nothing to subtract
                continue
            same = view_key == (measure, window)
            cells = {key: row for key, row in other.items() if key[0] != breakdown}
            cells.update((key, row) for key, row in own.items() if key[0] == breakdown)
            columns = ("cohort", "recidivists", "not") if same else ("cohort",)
            if _difference_small(terms, cells, k, columns):
                return True
    return False


def _difference_small(
    terms: list[tuple[int, str, str]],
    cells: dict[tuple[str, str], dict[str, Any]],
    k: int,
    columns: tuple[str, ...] = ("cohort", "recidivists", "not"),
) -> bool:
    """Whether the derived cell ``terms`` add up to has a count from 1 to k-1 in any of
    ``columns`` (``not``: the people who did not recidivate)."""
    for column in columns:
        total = 0
        for sign, b, g in terms:
            row = cells.get((b, g)) or {}
            if column == "not":
                value = (row.get("cohort") or 0) - (row.get("recidivists") or 0)
            else:
                value = row.get(column) or 0
            total += sign * value
        if is_small(total, k):
            return True
    return False


def overlapping_breakdowns(breakdown: str) -> list[str]:
    """The wider breakdowns a figure of ``breakdown`` could be subtracted from."""
    return list(
        dict.fromkeys(b for _, terms in _overlaps(breakdown) for _, b, _ in terms if b != breakdown)
    )


def withhold_groups(table: Disclosed) -> None:
    """Every group of the table but the total hidden (its total is shown elsewhere)."""
    for row, hidden in zip(table.rows, table.hidden, strict=True):
        if row.get("group") == "all":
            continue
        for column in ("cohort", "recidivists", "rate", "ci_low", "ci_high"):
            hidden.setdefault(column, "derived")
            row[column] = None
        row["unstable"] = None
        row["suppressed"] = True


def headline(access: CoalitionAccess, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline's cards; a measure without any linked records of its events has
    ``unmeasured``, the sentence that says so, instead of figures."""
    from reentrykit.metrics.cohorts import no_records

    year = payload["latest_complete_year"]
    missing = payload.get("unmeasured", [])
    cards = []
    for measure in HEADLINE_MEASURES:
        table = rates(
            access, payload, measure=measure, window=HEADLINE_WINDOW, year=year, breakdown=ALL
        )
        row = table.rows[0] if table.rows else {}
        cards.append(
            {
                "measure": measure,
                "row": row,
                "display": table.display(0, "rate") if table.rows else None,
                "national": NATIONAL_ONE_YEAR.get(measure),
                "table": table,
                "unmeasured": no_records(measure) if measure in missing else None,
                # No row: the data hold no one released that year (the page says so).
                "none_released": None if table.rows else year,
            }
        )
    return cards


def trend(
    access: CoalitionAccess, payload: dict[str, Any], *, measure: str, window: int
) -> Disclosed:
    # Each window's own latest year with full follow-up: a later year's rate would rest
    # on the few people released early enough in it.
    last = shown_year(payload, window)
    rows = [
        r
        for r in payload.get("rates", [])
        if r["measure"] == measure
        and r["window_days"] == window
        and r["breakdown"] == "all"
        and r["cohort_year"] is not None
        and r["cohort_year"] <= last
    ]
    rows.sort(key=lambda r: r["cohort_year"])
    return _disclose_rates(access, payload, rows, **{**RATE_RULES, "total_column": None})


def shown_year(payload: dict[str, Any], window: int) -> int:
    """The release year a window's breakdowns are cached for: its latest with full
    follow-up by the snapshot's ``data_through``."""
    from reentrykit.metrics.cohorts import latest_complete_year

    through = dt.date.fromisoformat(payload["data_through"])
    return latest_complete_year(data_through=through, window=window).start.year


def recidivism_answer(
    access: CoalitionAccess, payload: dict[str, Any], *, measure: str, window: int, breakdown: str
) -> dict[str, Any]:
    """The cached rates in the JSON shape of ``reentrykit metrics recidivism`` (for the
    window's shown year), disclosed for the viewer, with the year and whether the
    figures are confidential."""
    from reentrykit.metrics.rates import JSON_ROW_KEYS

    year = shown_year(payload, window)
    table = rates(
        access,
        payload,
        measure=measure,
        window=window,
        year=year,
        breakdown=breakdown,
        as_command_line=True,
    )
    return {
        "measure": measure,
        "window_days": window,
        "data_through": payload["data_through"],
        "suppression_k": access.coalition.suppression_k,
        "rows": [{key: row.get(key) for key in JSON_ROW_KEYS} for row in table.rows],
        "cohort_year": year,
        "confidential": table.confidential,
    }


def intermediate_answer(access: CoalitionAccess, payload: dict[str, Any]) -> dict[str, Any]:
    """The cached intermediate measures in the JSON shape of ``reentrykit metrics
    intermediate``, disclosed for the viewer, with the cohort year and whether the
    figures are confidential."""
    from reentrykit.metrics.intermediate import JSON_ROW_KEYS

    table = intermediate(access, payload)
    return {
        "rows": [{key: row.get(key) for key in JSON_ROW_KEYS} for row in table.rows],
        "data_through": payload["data_through"],
        "cohort_year": payload["latest_complete_year"],
        "suppression_k": access.coalition.suppression_k,
        "confidential": table.confidential,
    }


def intermediate(access: CoalitionAccess, payload: dict[str, Any]) -> Disclosed:
    from reentrykit.metrics.intermediate import hide_close_denominators

    table = _shares(access, payload.get("intermediate", []))
    if not sees_raw(access):
        hide_close_denominators(table, access.coalition.suppression_k)
    return table


def needs(access: CoalitionAccess, payload: dict[str, Any]) -> Disclosed:
    """The share of the latest complete cohort with each need (``metrics.needs``);
    no rows in snapshots made before needs were computed."""
    return _shares(access, payload.get("needs", []))


def _shares(access: CoalitionAccess, rows: list[dict[str, Any]]) -> Disclosed:
    """Rows of (numerator, denominator, rate) disclosed for the reader, each share
    resting on fewer than 20 people flagged unstable as a rate is."""
    return disclose(
        rows,
        unsuppressed=sees_raw(access),
        k=access.coalition.suppression_k,
        counts=["numerator", "denominator"],
        rates=[RateSpec("rate", "numerator", "denominator")],
        unstable_events="numerator",
    )


def flow(access: CoalitionAccess, payload: dict[str, Any]) -> Disclosed:
    return disclose_flow(
        payload.get("flow", []), unsuppressed=sees_raw(access), k=access.coalition.suppression_k
    )


def rows_from_columns(columns: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Rows from the column form the refresh caches curve points in."""
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def survival(
    access: CoalitionAccess, payload: dict[str, Any], *, measure: str, breakdown: str
) -> tuple[list[dict[str, Any]], list[str], float | None]:
    """Curve points fit to show, the groups withheld, and the log-rank p-value.

    Through ``disclose_curves``, as the command line's curves: outside the
    data steward role a group's curve is withheld when its n or events is hidden, and
    the others show only steps of at least k events. The p-value is left out when a
    curve is withheld (it was computed with that group).
    """
    entry = payload.get("survival", {}).get(measure, {}).get(breakdown)
    if not entry:
        return [], [], None
    # Snapshots made before the curves were cached by column hold rows ("points").
    points = entry.get("points") or rows_from_columns(entry.get("columns", {}))
    curves = disclose_curves(
        points,
        unsuppressed=sees_raw(access),
        k=access.coalition.suppression_k,
        total_group=None if breakdown == "all" else "all",
    )
    if breakdown == "risk_level" and not sees_raw(access):
        _withhold_high_risk_curves(access, payload, curves)
    shown = [point for curve in curves for point in curve["points"]]
    withheld = [curve["group"] for curve in curves if not curve["points"]]
    return shown, withheld, entry.get("logrank_p") if not withheld else None


def _withhold_high_risk_curves(
    access: CoalitionAccess, payload: dict[str, Any], curves: list[dict[str, Any]]
) -> None:
    """When the curves' release year is the intermediate measures', their high-risk
    denominators are the high and very high risk curves' people together (each curve
    starts at its n): one curve withheld withholds the other (as
    :func:`split_high_risk_total` for the rates)."""
    from reentrykit.metrics.intermediate import HIGH_RISK

    if payload.get("survival_year") != payload.get("latest_complete_year"):
        return
    if not _high_risk_total_shown(intermediate(access, payload)):
        return
    high = [curve for curve in curves if curve["group"] in HIGH_RISK]
    if any(not curve["points"] for curve in high):
        for curve in high:
            curve.update(points=[], n=None, events=None)


def incidence(access: CoalitionAccess, payload: dict[str, Any], *, measure: str) -> list[dict]:
    """The cumulative incidence of ``measure`` with death as a competing risk, for
    everyone released in the survival year: points with ``day``,
    ``cumulative_incidence``, ``ci_low`` and ``ci_high``; none when no death is recorded.

    Outside the data steward role only on the days everyone's curve shows (which join
    at least k events each), worked out from its pooled steps (a life table), and
    without the counts of events and deaths.
    """
    entry = payload.get("survival", {}).get(measure, {}).get(ALL) or {}
    points = rows_from_columns(entry.get("incidence", {}))
    keys = ("day", "cumulative_incidence", "ci_low", "ci_high")
    if not sees_raw(access):
        shown, _, _ = survival(access, payload, measure=measure, breakdown=ALL)
        points = life_table_incidence(shown, points) if points else []
    return [{key: point[key] for key in keys} for point in points]


# The assessment's data indicators and the measure each one shows.
INDICATOR_INTERMEDIATE = {
    "intermediate.assessed_before_release": "assessed_before_release",
    "intermediate.high_risk_completed_prerelease": "high_risk_completed_pre_release",
    "intermediate.high_risk_referred_30_days": "high_risk_referred_30_days",
    "intermediate.enrollments_completed": "post_release_completion",
    "intermediate.employed_90_days": "employed_90_days_after_completion",
    "intermediate.high_risk_on_supervision": "high_risk_on_supervision",
}


def indicator_values(access: CoalitionAccess) -> dict[str, str]:
    """Each assessment data indicator as text, suppressed as for the viewer; empty when
    there is no data yet."""
    snapshot = latest_snapshot(access.coalition)
    if snapshot is None or snapshot.payload.get("empty"):
        return {}
    payload = snapshot.payload
    values: dict[str, str] = {}
    table = intermediate(access, payload)
    by_key = {row["key"]: index for index, row in enumerate(table.rows)}
    for indicator, key in INDICATOR_INTERMEDIATE.items():
        index = by_key.get(key)
        if index is None:
            continue
        row = table.rows[index]
        hidden = table.display(index, "rate")
        if hidden:
            values[indicator] = f"{hidden} (hidden to protect small counts)"
        elif row.get("rate") is not None:
            values[indicator] = (
                f"{row['rate'] * 100:.1f}% for releases in {payload['latest_complete_year']}"
            )
    headline_rows = headline(access, payload)
    rearrest = next((card for card in headline_rows if card["measure"] == "rearrest"), None)
    if rearrest and rearrest["row"].get("rate") is not None:
        values["recidivism.baseline_present"] = (
            f"one-year rearrest {rearrest['row']['rate'] * 100:.1f}% "
            f"for releases in {payload['latest_complete_year']}"
        )
    elif rearrest and rearrest["display"]:
        # Measured, but hidden from this reader: not "no data yet".
        values["recidivism.baseline_present"] = (
            f"one-year rearrest {rearrest['display']} (hidden to protect small counts)"
        )
    # Coverage of risk assessment: the share of the cohort assessed before release.
    if "intermediate.assessed_before_release" in values:
        values["risk_assessment.coverage"] = values["intermediate.assessed_before_release"]
    return values


def _indicator_row(
    access: CoalitionAccess, values: dict[str, Any], group: str, breakdown: str = ""
) -> tuple[dict[str, Any] | None, str | None]:
    """The indicator's group among ``values["rows"]`` (one cohort's breakdown), disclosed
    for the viewer, and the text that stands for its rate when it is hidden."""
    rows = values["rows"]
    table = disclose(
        rows,
        unsuppressed=sees_raw(access),
        k=access.coalition.suppression_k,
        withheld=values.get(WINDOW_MARKS, ()),
        **RATE_RULES,
    )
    if "beside" in values:
        split_high_risk_total(table, values["beside"])
    index = next((i for i, row in enumerate(table.rows) if row["group"] == group), None)
    if index is None:
        return None, None
    if not sees_raw(access) and (
        _other_facility_small(access, rows[index], values, group)
        or _overlap_of_indicator_small(access, values, breakdown)
    ):
        return _hidden(table.rows[index]), "suppressed"
    return table.rows[index], table.display(index, "rate")


def _overlap_of_indicator_small(
    access: CoalitionAccess, values: dict[str, Any], breakdown: str
) -> bool:
    """Whether an indicator of an age band or a program breakdown could be subtracted
    from a wider breakdown's figure (its own indicator's, or the measures page's) to
    give a small count: ``values["wider"]`` holds the same cohort by the wider
    breakdowns. A snapshot made before they were kept shows the figure to nobody."""
    overlaps = _overlaps(breakdown)
    if not overlaps:
        return False
    wider = values.get("wider")
    if wider is None:
        return True
    cells = {(breakdown, row["group"]): row for row in values["rows"]}
    for name, rows in wider.items():
        cells.update({(name, row["group"]): row for row in rows})
    k = access.coalition.suppression_k
    return any(_difference_small(terms, cells, k) for _, terms in overlaps)


def _other_facility_small(
    access: CoalitionAccess, row: dict[str, Any], values: dict[str, Any], group: str
) -> bool:
    """Whether an indicator of one facility would give the other facility's small counts
    away: ``values["unfiltered"]`` holds the same cohort from every facility, and the
    difference is the other facility's (as complementary suppression hides the jail's
    cell of a facility breakdown whose prison cell is small)."""
    total = next((r for r in values.get("unfiltered") or () if r["group"] == group), None)
    if total is None:
        return False
    k = access.coalition.suppression_k
    return any(
        is_small((total[column] or 0) - (row[column] or 0), k)
        for column in ("cohort", "recidivists")
    )


def _hidden(row: dict[str, Any]) -> dict[str, Any]:
    hidden = dict.fromkeys(("cohort", "recidivists", "rate", "ci_low", "ci_high"))
    return {**row, **hidden, "suppressed": True, "unstable": None}


def _baseline_row(
    access: CoalitionAccess, indicator: Any, entry: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """The baseline as :func:`_indicator_row` gives it; outside the data steward role a
    baseline of several years is hidden unless each of its years could be shown on its
    own. Otherwise two baselines a year apart would give that year's small counts away
    by subtraction."""
    row, display = _indicator_row(access, entry, entry["group"], indicator.breakdown)
    if row is None or sees_raw(access) or len(indicator.baseline_years) == 1:
        return row, display
    years = entry.get("years") or []
    shown = {year["year"] for year in years if not _year_hidden(access, year, entry)}
    if shown >= set(indicator.baseline_years):
        return row, display
    return _hidden(row), "suppressed"


def _year_hidden(access: CoalitionAccess, year: dict[str, Any], entry: dict[str, Any]) -> bool:
    """Whether a year's counts (not its rate: a year without releases has none) would
    be hidden on their own."""
    year_row, _ = _indicator_row(access, year, entry["group"], entry.get("breakdown") or "")
    return year_row is not None and (year_row["cohort"] is None or year_row["recidivists"] is None)


def _beside_high_risk(
    entry: dict[str, Any], indicator: Any, shares: Disclosed | None, year: int | None
) -> dict[str, Any]:
    """``entry`` with the intermediate measures the reader sees (``shares``, of the
    release year ``year``) beside each of its periods that is that year alone, for an
    indicator by risk level from every facility (:func:`split_high_risk_total`)."""
    if not entry or shares is None or indicator.breakdown != "risk_level":
        return entry
    if indicator.facility_type:  # the intermediate measures count every facility's
        return entry

    def beside(part: dict[str, Any], years: Any) -> dict[str, Any]:
        return {**part, "beside": shares} if list(years) == [year] else part

    out = beside(entry, indicator.baseline_years)
    out["years"] = [beside(part, [part["year"]]) for part in entry.get("years") or []]
    if entry.get("latest"):
        out["latest"] = beside(entry["latest"], [entry["latest"]["year"]])
    return out


# Where an indicator's part (one cohort's rows) keeps :func:`_mark_indicator_windows`.
WINDOW_MARKS = "withheld"


def _indicator_parts(entry: dict[str, Any], indicator: Any) -> list[tuple[dict[str, Any], Any]]:
    """The parts of an indicator's cached values, each with its release years (a year,
    or the first and last of a baseline of several)."""
    parts = []
    if entry.get("latest"):
        parts.append((entry["latest"], entry["latest"]["year"]))
    if "rows" in entry:
        years = list(indicator.baseline_years)
        parts.append((entry, years[0] if len(years) == 1 else (years[0], years[-1])))
    parts += [(part, part["year"]) for part in entry.get("years") or []]
    return parts


def _mark_indicator_windows(
    access: CoalitionAccess, payload: dict[str, Any], entries: list[tuple[Any, dict[str, Any]]]
) -> None:
    """Marks in each part of the indicators' ``entries`` ((indicator, values) pairs) the
    recidivists another window of the same cohort would give away
    (:func:`windows_withheld`), among the measures pages' rates and every indicator's:
    two indicators that differ only in their window are such a pair. The pages' rates
    are decided first, so an indicator cannot change what they show."""
    figures = [(_window_key(row), row["window_days"], row, 0) for row in payload.get("rates", [])]
    keyed = []
    for indicator, entry in entries:
        window = indicator.window_days
        for part, years in _indicator_parts(entry, indicator):
            # A calendar year of every facility is the measures pages' cohort.
            period = (indicator.facility_type, years) if indicator.facility_type else years
            rows = part.get("rows", [])
            keys = [
                (indicator.measure, period, *_group_key(indicator.breakdown, row["group"]))
                for row in rows
            ]
            figures += [(key, window, row, 1) for key, row in zip(keys, rows, strict=True)]
            keyed.append((part, keys, window))
    withheld = _withheld_windows(figures, access.coalition.suppression_k)
    for part, keys, window in keyed:
        part[WINDOW_MARKS] = [
            ("recidivists",) if (*key, window) in withheld else () for key in keys
        ]


def indicator_rows(access: CoalitionAccess) -> list[dict[str, Any]]:
    """Each saved indicator with its baseline and its latest value (both disclosed for
    the viewer; the latest with its cohort ``latest_year``) and its targets."""
    from reentrykit.metrics.cohorts import EVENT_RECORDS
    from reentrykit.metrics.models import Indicator

    payload = (
        latest_payload(
            access.coalition,
            "indicators",
            "intermediate",
            "latest_complete_year",
            "unmeasured",
            "rates",
        )
        or {}
    )
    values = payload.get("indicators", {})
    missing = payload.get("unmeasured", [])
    shares = None if sees_raw(access) else intermediate(access, payload)
    indicators = list(
        Indicator.objects.filter(coalition=access.coalition).prefetch_related("targets")
    )
    entries = [
        (
            indicator,
            _beside_high_risk(
                values.get(str(indicator.pk)) or {},
                indicator,
                shares,
                payload.get("latest_complete_year"),
            ),
        )
        for indicator in indicators
    ]
    if not sees_raw(access):
        _mark_indicator_windows(access, payload, entries)
    rows = []
    for indicator, entry in entries:
        row: dict[str, Any] = {"indicator": indicator, "baseline": None, "display": None}
        row["latest"], row["latest_display"], row["latest_year"] = None, None, None
        row["pending_until"] = None
        if entry.get("pending_until"):  # its last year not yet followed for the window
            row["pending_until"] = dt.date.fromisoformat(entry["pending_until"])
        elif entry:
            row["baseline"], row["display"] = _baseline_row(access, indicator, entry)
        # Snapshots made before the latest value was cached have none.
        if entry.get("latest"):
            latest = entry["latest"]
            row["latest"], row["latest_display"] = _indicator_row(
                access, latest, entry["group"], indicator.breakdown
            )
            row["latest_year"] = latest["year"]
        row["unmeasured"] = indicator.measure in missing
        if row["unmeasured"]:
            # No linked record of its events at all: no figure, rather than 0%.
            unmeasured = f"not measured yet (no {EVENT_RECORDS[indicator.measure]} records)"
            row["display"] = row["latest_display"] = unmeasured
        rows.append(row)
    return rows


def disclose_program_effect(
    result: dict[str, Any], *, k: int, unsuppressed: bool
) -> dict[str, Any]:
    """:data:`PROGRAM_EFFECT_KEYS` of a fit's ``cox.ProgramEffect.as_dict()``, as ``unsuppressed``
    allows. For non-stewards the counts behind the comparison (people and events among
    participants, non-participants and all) pass through ``disclose``; if any of them is
    hidden, so are the hazard ratio, its interval, the p-value and the PH check, since
    they would rest on a handful of people."""
    groups = [
        {
            "group": PARTICIPANT,
            "n": result["participants"],
            "events": result["participant_events"],
        },
        {
            "group": NON_PARTICIPANT,
            "n": result["n"] - result["participants"],
            "events": result["events"] - result["participant_events"],
        },
        {"group": ALL, "n": result["n"], "events": result["events"]},
    ]
    disclosed = disclose(
        groups,
        unsuppressed=unsuppressed,
        k=k,
        counts=["n", "events"],
        parts=[("events", "n")],
        total_column="group",
        total_value=ALL,
    )
    out = {key: result[key] for key in PROGRAM_EFFECT_KEYS}
    out["n"], out["events"] = disclosed.rows[-1]["n"], disclosed.rows[-1]["events"]
    if any(disclosed.hidden):
        for key in ("hazard_ratio", "ci_low", "ci_high", "p_value", "ph_assumption_ok"):
            out[key] = None
    return out
