"""``reentrykit metrics recidivism|survival|program-effect|intermediate|refresh``.

The names, options and JSON shapes are an interface other tools rely on (issue 5):
keep them exactly. JSON goes to stdout on one line; notes for people go to stderr.
Without ``--unsuppressed`` everything printed has passed through
``reentrykit.core.suppression.disclose`` as for a coalition member (hidden numbers
are ``null`` in JSON, ``<k`` or ``suppressed`` in a table); ``--unsuppressed`` is
for operators and prints the raw, confidential figures.

``data_through`` is the pages' (``cohorts.measures_through``: one date for the four
measures; the intermediate measures follow people to their own sources' date).
Default cohorts when no dates are given: ``recidivism`` takes the latest calendar
year with full follow-up for its window by ``data_through``; ``survival`` the pages'
curves' (the last full calendar year of releases, ``cohorts.survival_cohort``);
``intermediate`` the headline cohort (the latest calendar year with a full year of
follow-up); ``program-effect`` takes every release up to
``data_through``, since the time-varying model copes with unequal follow-up and
needs the people. ``--cohort-start`` alone runs to ``data_through``; ``--cohort-end``
alone starts with the earliest release.
"""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import json
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reentrykit.coalitions.models import Coalition
from reentrykit.core.audit import audit_actor
from reentrykit.core.management.helpers import coalition_by_slug, parse_date
from reentrykit.data.schema import FACILITY_TYPE, PROGRAM_TYPE
from reentrykit.data.store import StoreError
from reentrykit.metrics import cohorts, engine, intermediate, rates, selectors, survival
from reentrykit.metrics.breakdowns import is_program_breakdown, parse_breakdown

ACTIONS = ("recidivism", "survival", "program-effect", "intermediate", "refresh")
FORMATS = ("json", "csv", "table")
IMMORTAL_TIME_NOTE = (
    "Note: comparisons by program participation from release credit the program "
    "with the time before enrolment (immortal time). See `reentrykit metrics "
    "program-effect` for the adjusted comparison, which does not."
)


class Command(BaseCommand):
    help = "Recidivism and intermediate measures of a coalition's linked data."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{" + ",".join(ACTIONS) + "}"
        )
        recidivism = actions.add_parser("recidivism", help="A fixed-window recidivism rate.")
        _common(recidivism)
        _measure(recidivism)
        recidivism.add_argument("--window", type=_window_days, default=365, metavar="DAYS")
        recidivism.add_argument("--by", metavar="FIELD", type=_breakdown)

        curves = actions.add_parser("survival", help="Kaplan–Meier curves and the log-rank test.")
        _common(curves)
        _measure(curves)
        curves.add_argument("--by", metavar="FIELD", type=_breakdown)

        effect = actions.add_parser(
            "program-effect", help="The adjusted (Cox) comparison of a program type."
        )
        _common(effect)
        _measure(effect)
        effect.add_argument(
            "--program-type", required=True, choices=[*PROGRAM_TYPE, "any"], metavar="TYPE"
        )
        effect.add_argument("--completed-only", action="store_true")

        _common(actions.add_parser("intermediate", help="The six intermediate measures."))
        _common(actions.add_parser("refresh", help="Recompute and cache every measure."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        coalition = coalition_by_slug(options["coalition"])
        with audit_actor(None, "cli"):
            try:
                if action == "refresh":
                    self._refresh(coalition, options)
                    return
                with engine.coalition_tables(
                    coalition_id=coalition.pk, engine=options["engine"]
                ) as tables:
                    handler = {
                        "recidivism": self._recidivism,
                        "survival": self._survival,
                        "program-effect": self._program_effect,
                        "intermediate": self._intermediate,
                    }[action]
                    handler(coalition, tables, options)
            except StoreError as error:
                raise CommandError(str(error)) from error
            except ImportError as error:
                if options["engine"] == "spark":
                    raise CommandError(f"The Spark engine is not available: {error}") from error
                raise

    # -- measures -------------------------------------------------------------------

    def _recidivism(self, coalition: Coalition, tables: engine.Tables, options: dict) -> None:
        measure, window, by = options["measure"], options["window"], options.get("by")
        _measured(tables, measure)
        through = _measures_through(coalition, tables)
        period = _period(options, through=through, default_window=window)
        query = {
            "measure": measure,
            "window": window,
            "data_through": through,
            "period": period,
            "facility": options.get("facility"),
        }
        frame = rates.recidivism_rates(tables=tables, by=by, **query)
        if by and is_program_breakdown(by):
            frame = _both_program_groups(frame, by)
        k, unsuppressed = coalition.suppression_k, options["unsuppressed"]
        result = rates.recidivism_json(
            frame,
            measure=measure,
            window=window,
            data_through=through,
            k=k,
            unsuppressed=unsuppressed,
        )
        disclosed = rates.disclose_rates(frame, k=k, unsuppressed=unsuppressed)
        if by and not unsuppressed and _overlap_small(tables, frame, by=by, k=k, **query):
            # As on the pages: an age band less an age group (a program's completers less
            # its participants) for the same cohort would give a small count away.
            selectors.withhold_groups(disclosed)
            result["rows"] = disclosed.rows
        if by == "risk_level" and not unsuppressed:
            # As on the pages: the same cohort's high-risk denominators (`intermediate`)
            # are a second total of the high and very high risk cohorts.
            through_shares = intermediate.intermediate_through(
                coalition_id=coalition.pk, tables=tables
            )
            if through_shares is not None:
                shares = intermediate.intermediate_measures(
                    tables=tables,
                    period=period,
                    data_through=through_shares,
                    facility=options.get("facility"),
                )
                selectors.split_high_risk_total(
                    disclosed, intermediate.disclose_intermediate(shares, k=k, unsuppressed=False)
                )
                result["rows"] = disclosed.rows
        fmt = options["format"]
        if fmt == "json":
            self._json(result)
        else:
            self._rows(fmt, list(rates.JSON_ROW_KEYS), result["rows"], disclosed)
        if fmt == "table":
            self._note(
                f"{cohorts.MEASURE_LABELS[measure]} within {window} days, releases {period}, "
                f"data through {through.isoformat()}, k = {k}."
            )
        if by and is_program_breakdown(by):
            self._note(IMMORTAL_TIME_NOTE)
        self._confidential(unsuppressed)

    def _survival(self, coalition: Coalition, tables: engine.Tables, options: dict) -> None:
        measure = options["measure"]
        _measured(tables, measure)
        through = _measures_through(coalition, tables)
        period = _period(options, through=through, default_window=365)
        years = cohorts.release_years(tables)
        if years and not (options.get("cohort_start") or options.get("cohort_end")):
            # The pages' cohort: the last full calendar year of releases.
            period = cohorts.survival_cohort(data_through=through, last_release_year=years[1])
        result = survival.survival_analysis(
            tables=tables,
            measure=measure,
            data_through=through,
            period=period,
            facility=options.get("facility"),
            by=options.get("by"),
        )
        payload = survival.survival_json(
            result, k=coalition.suppression_k, unsuppressed=options["unsuppressed"]
        )
        by = options.get("by")
        if by and not options["unsuppressed"] and selectors.overlapping_breakdowns(by):
            query = {
                "tables": tables,
                "measure": measure,
                "data_through": through,
                "period": period,
                "facility": options.get("facility"),
            }
            if _curves_overlap_small(result, query, by=by, k=coalition.suppression_k):
                _withhold_curves(payload)
        fmt = options["format"]
        if fmt == "json":
            self._json(payload)
        else:
            keys = ["group", "day", "at_risk", "events", "survival", "ci_low", "ci_high"]
            rows = [
                {"group": curve["group"], **point}
                for curve in payload["curves"]
                for point in curve["points"]
            ]
            self._rows(fmt, keys, rows)
        if fmt == "table":
            summary = ", ".join(
                f"{c['group']}: n={_shown(c['n'], coalition.suppression_k)}, "
                f"events={_shown(c['events'], coalition.suppression_k)}"
                for c in payload["curves"]
            )
            self._note(
                f"Time to {measure}, releases {period}, data through {through.isoformat()}; "
                f"{summary}; log-rank p = {payload['logrank_p']}."
            )
        if options.get("by") and is_program_breakdown(options["by"]):
            self._note(IMMORTAL_TIME_NOTE)
        self._confidential(options["unsuppressed"])

    def _program_effect(self, coalition: Coalition, tables: engine.Tables, options: dict) -> None:
        # Imported here: lifelines (the Cox model) takes a second or more to import, and
        # no other command needs it.
        from reentrykit.metrics import cox

        measure = options["measure"]
        _measured(tables, measure)
        through = _measures_through(coalition, tables)
        period = _period(options, through=through, default_window=None)
        effect = cox.program_effect(
            tables=tables,
            measure=measure,
            program_type=options["program_type"],
            data_through=through,
            period=period,
            facility=options.get("facility"),
            completed_only=options["completed_only"],
        )
        payload = cox.program_effect_json(
            effect, k=coalition.suppression_k, unsuppressed=options["unsuppressed"]
        )
        fmt = options["format"]
        if fmt == "json":
            self._json(payload)
        else:
            row = {**payload, "covariates": ";".join(payload["covariates"])}
            self._rows(fmt, list(selectors.PROGRAM_EFFECT_KEYS), [row])
        self._note(effect.as_dict()["note"])
        if payload["hazard_ratio"] is None and effect.as_dict()["hazard_ratio"] is not None:
            self._note(
                f"The estimates are hidden: a group has fewer than {coalition.suppression_k} "
                "people or events, so they would rest on a handful of people."
            )
        self._confidential(options["unsuppressed"])

    def _intermediate(self, coalition: Coalition, tables: engine.Tables, options: dict) -> None:
        # The cohort is the measures page's (its latest year with a year of follow-up);
        # the follow-up runs to the date of the intermediate measures' own sources.
        period = _period(options, through=_measures_through(coalition, tables), default_window=365)
        through = _known(
            intermediate.intermediate_through(coalition_id=coalition.pk, tables=tables)
        )
        frame = intermediate.intermediate_measures(
            tables=tables, period=period, data_through=through, facility=options.get("facility")
        )
        k, unsuppressed = coalition.suppression_k, options["unsuppressed"]
        disclosed = intermediate.disclose_intermediate(frame, k=k, unsuppressed=unsuppressed)
        fmt = options["format"]
        if fmt == "json":
            self._json({"rows": disclosed.rows})
        else:
            self._rows(fmt, list(intermediate.JSON_ROW_KEYS), disclosed.rows, disclosed)
        if fmt == "table":
            self._note(f"Releases {period}, data through {through.isoformat()}, k = {k}.")
        self._confidential(unsuppressed)

    def _refresh(self, coalition: Coalition, options: dict) -> None:
        try:
            from reentrykit.metrics import refresh
        except ModuleNotFoundError as error:
            if error.name != "reentrykit.metrics.refresh":
                raise
            raise CommandError("Refreshing the cached measures is not available yet.") from None
        function = refresh.refresh_coalition
        parameters = inspect.signature(function).parameters
        kwargs: dict[str, Any] = {}
        if "engine" in parameters:
            kwargs["engine"] = options["engine"]
        if "coalition" in parameters:
            result = function(coalition=coalition, **kwargs)
        else:
            result = function(coalition, **kwargs)
        summary = result if isinstance(result, dict) else {"refreshed": True}
        payload = {"coalition": coalition.slug, **summary}
        if options["format"] == "json":
            self._json(payload)
        else:
            self._rows(options["format"], list(payload), [payload])

    # -- output ---------------------------------------------------------------------

    def _json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value))

    def _rows(
        self,
        fmt: str,
        keys: Sequence[str],
        rows: Sequence[dict[str, Any]],
        disclosed: Any = None,
    ) -> None:
        if fmt == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=list(keys), lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _csv_value(row.get(key)) for key in keys})
            return
        cells = []
        for index, row in enumerate(rows):
            line = []
            for key in keys:
                value = row.get(key)
                shown = disclosed.display(index, key) if disclosed is not None else None
                line.append(shown if value is None and shown else _text(value))
            cells.append(line)
        widths = [max([len(key), *(len(line[i]) for line in cells)]) for i, key in enumerate(keys)]
        self.stdout.write("  ".join(key.ljust(w) for key, w in zip(keys, widths, strict=True)))
        for line in cells:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))

    def _note(self, text: str) -> None:
        self.stderr.write(text)

    def _confidential(self, unsuppressed: bool) -> None:
        if unsuppressed:
            self._note("CONFIDENTIAL: unsuppressed figures, for data stewards only.")


def _common(parser: ArgumentParser) -> None:
    parser.add_argument("--coalition", required=True, help="The coalition's slug.")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--facility", choices=FACILITY_TYPE)
    parser.add_argument("--cohort-start", metavar="YYYY-MM-DD")
    parser.add_argument("--cohort-end", metavar="YYYY-MM-DD")
    parser.add_argument(
        "--unsuppressed",
        action="store_true",
        help="Raw figures, marked confidential (operators only).",
    )
    parser.add_argument("--engine", choices=engine.ENGINES, default="duckdb")


def _measure(parser: ArgumentParser) -> None:
    parser.add_argument("--measure", required=True, choices=cohorts.MEASURES)


# Twenty years: longer than any follow-up the data could hold, and far from the date
# arithmetic's limits.
MAX_WINDOW_DAYS = 7305


def _window_days(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 0 < number <= MAX_WINDOW_DAYS:
        raise ArgumentTypeError(
            f"{value!r} is not a whole number of days from 1 to {MAX_WINDOW_DAYS}."
        )
    return number


def _breakdown(value: str) -> str:
    try:
        return parse_breakdown(value)
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from None


def _both_program_groups(frame: Any, by: str) -> Any:
    """The contract names both groups of a program breakdown: a group nobody is in is
    a row with a cohort of 0, not a missing row."""
    import pandas as pd

    from reentrykit.metrics.breakdowns import NON_PARTICIPANT, PARTICIPANT, ordered_groups

    missing = [g for g in (PARTICIPANT, NON_PARTICIPANT) if g not in set(frame["group"])]
    if not missing:
        return frame
    empty = pd.DataFrame({"group": missing, "cohort": 0, "recidivists": 0})
    frame = rates.with_rates(pd.concat([frame[["group", "cohort", "recidivists"]], empty]))
    order = ordered_groups(by, frame["group"])
    return frame.set_index("group").loc[order].reset_index()[list(rates.RATE_COLUMNS)]


def _overlap_small(tables: engine.Tables, frame: Any, *, by: str, k: int, **query: Any) -> bool:
    """Whether ``frame`` (the rates by ``by``) and the same cohort's rates by the
    breakdowns it overlaps give a small count away by subtraction."""
    wider = selectors.overlapping_breakdowns(by)
    if not wider:
        return False
    rows = _rate_rows(frame, by)
    for breakdown in wider:
        other = rates.recidivism_rates(tables=tables, by=breakdown, **query)
        rows += _rate_rows(other, breakdown)
    return selectors.overlap_small(rows, breakdown=by, k=k)


def _curves_overlap_small(
    result: survival.SurvivalResult, query: dict[str, Any], *, by: str, k: int
) -> bool:
    """Whether the curves' people and events by ``by`` and the same cohort's by the
    breakdowns it overlaps give a small count away by subtraction (an age band's n less
    an age group's), as :func:`_overlap_small` for the rates."""

    def rows(of: survival.SurvivalResult, breakdown: str) -> list[dict[str, Any]]:
        curves = survival.survival_json(of, k=k, unsuppressed=True)["curves"]
        return [
            {
                "breakdown": "all" if curve["group"] == "all" else breakdown,
                "group": str(curve["group"]),
                "cohort": curve["n"],
                "recidivists": curve["events"],
            }
            for curve in curves
        ]

    found = rows(result, by)
    for breakdown in selectors.overlapping_breakdowns(by):
        found += rows(survival.survival_analysis(**query, by=breakdown), breakdown)
    return selectors.overlap_small(found, breakdown=by, k=k)


def _withhold_curves(payload: dict[str, Any]) -> None:
    """Every group's curve but everyone's left without figures (and the log-rank test
    between them out): their people could be worked out from another breakdown's."""
    for curve in payload["curves"]:
        if curve["group"] != "all":
            curve.update(n=None, events=None, points=[])
    payload["logrank_p"] = None


def _rate_rows(frame: Any, by: str) -> list[dict[str, Any]]:
    return [
        {
            "breakdown": "all" if record["group"] == "all" else by,
            "group": str(record["group"]),
            "cohort": int(record["cohort"]),
            "recidivists": int(record["recidivists"]),
        }
        for record in frame.to_dict("records")
    ]


def _measured(tables: engine.Tables, measure: str) -> None:
    """Refuses a measure without a single linked event of its types: its rate would
    read 0% (``cohorts.unmeasured``)."""
    if measure in cohorts.unmeasured(tables):
        raise CommandError(cohorts.unmeasured_reason(measure))


def _measures_through(coalition: Coalition, tables: engine.Tables) -> dt.date:
    """The date the recidivism measures follow people to, as on the pages."""
    return _known(cohorts.measures_through(coalition_id=coalition.pk, tables=tables))


def _known(through: dt.date | None) -> dt.date:
    if through is None:
        raise CommandError(
            "No source of this coalition says how far its data is complete "
            "(data_through); import data first."
        )
    return through


def _period(options: dict, *, through: dt.date, default_window: int | None) -> cohorts.Period:
    start = parse_date(options.get("cohort_start"), flag="--cohort-start")
    end = parse_date(options.get("cohort_end"), flag="--cohort-end")
    if start is None and end is None:
        if default_window is None:
            return cohorts.Period(cohorts.EARLIEST, through)
        return cohorts.latest_complete_year(data_through=through, window=default_window)
    try:
        return cohorts.Period(start or cohorts.EARLIEST, end or through)
    except ValueError as error:
        raise CommandError(f"--cohort-start/--cohort-end: {error}") from None


def _shown(value: Any, k: int) -> str:
    return f"<{k} or suppressed" if value is None else str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _csv_value(value: Any) -> Any:
    from reentrykit.core.exports import safe_cell

    # A group can be a source's name, free text: never a formula in a spreadsheet.
    return "" if value is None else safe_cell(value)
