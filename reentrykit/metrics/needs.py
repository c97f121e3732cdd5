"""The needs of the people released (Tools for Change, "Needs versus resources").

Among a cohort's releases with a risk/needs assessment dated between admission
(release minus 365 days when unknown) and the release day, the share with each need
flagged on any of those assessments. The denominator of a need counts the releases
whose assessments record that flag at all (true or false), so a tool that does not
screen for a need does not dilute it; a need no assessment records has no figure.
The rows have the intermediate measures' columns and are disclosed the same way.
"""

from __future__ import annotations

import pandas as pd
from ibis.expr.types import Table

from reentrykit.data.schema import NEED_FLAGS, NEED_LABELS
from reentrykit.metrics.engine import Tables
from reentrykit.metrics.intermediate import assessed_releases, count_or_zero

NEED_COLUMNS = ("key", "label", "numerator", "denominator", "rate")


def need_prevalence(*, tables: Tables, cohort_table: Table) -> pd.DataFrame:
    """One row per need (:data:`NEED_COLUMNS`; ``key`` is the need without ``need_``)."""
    return need_frame(need_query(tables=tables, cohort_table=cohort_table).to_pandas())


def need_query(*, tables: Tables, cohort_table: Table) -> Table:
    """:func:`need_prevalence`'s counts as one row of an expression, for :func:`need_frame`."""
    per_release = assessed_releases(cohort_table, tables.assessments)
    return per_release.aggregate(
        **{f"{flag}_num": per_release[f"{flag}_yes"].fill_null(False).sum() for flag in NEED_FLAGS},
        **{f"{flag}_den": per_release[f"{flag}_known"].sum() for flag in NEED_FLAGS},
    )


def need_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`need_prevalence` from :func:`need_query`'s row."""
    wide = counts.iloc[0]
    rows = []
    for flag in NEED_FLAGS:
        key = flag.removeprefix("need_")
        numerator, denominator = (
            count_or_zero(wide[f"{flag}_num"]),
            count_or_zero(wide[f"{flag}_den"]),
        )
        rows.append(
            {
                "key": key,
                "label": NEED_LABELS[key],
                "numerator": numerator if denominator else None,
                "denominator": denominator if denominator else None,
                "rate": numerator / denominator if denominator else float("nan"),
            }
        )
    frame = pd.DataFrame(rows, columns=list(NEED_COLUMNS))
    return frame.astype({"numerator": "Int64", "denominator": "Int64", "rate": float})
