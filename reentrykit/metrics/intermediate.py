"""The toolkit's six intermediate measures (DATA.md, "Intermediate measures").

All six start from the same cohort as the rates: each person's first qualifying
release in the period (optionally one facility type). "High risk" is the release
record's risk level high or very_high. A program record's phase is its ``phase``
when given; without one, a record that started (or, not started, was referred)
before the release day is pre-release and any other post-release.

1. ``assessed_before_release``: cohort releases with an assessment dated between
   admission (release minus 365 days when unknown) and the release day.
2. ``high_risk_completed_pre_release``: high-risk cohort releases with a completed
   pre-release program that started between admission and the release day.
3. ``high_risk_referred_30_days``: high-risk cohort releases with 30 days of follow-up
   by ``data_through``, with a post-release program record (any status) referred
   (or started, without a referral date) between admission and 30 days after release;
   a referral made in custody for after release counts.
4. ``post_release_completion``: post-release program enrollments of cohort members
   that started within a year after release and have ended (completed, dropped or
   terminated); still enrolled ones are left out, since their result is not known.
5. ``employed_90_days_after_completion``: cohort members who completed such an
   enrollment (with an end date and 90 days of follow-up after it), employed
   (an ``employed`` outcome) within 90 days after their first completion.
6. ``high_risk_on_supervision``: high-risk cohort releases placed on probation, parole
   or other supervision at release (by supervision type or release type); releases
   whose supervision is unknown are left out.

A measure whose records are absent altogether (no assessments, programs or outcomes
at all) has no numerator, denominator or rate, rather than a misleading zero.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pandas as pd
from ibis import _
from ibis.expr.types import Table

from reentrykit.core.suppression import Disclosed, RateSpec, disclose, is_small
from reentrykit.data.schema import NEED_FLAGS
from reentrykit.metrics.breakdowns import UNKNOWN
from reentrykit.metrics.cohorts import Period, cohort, epoch_day
from reentrykit.metrics.engine import Tables, data_through

INTERMEDIATE_COLUMNS = ("key", "label", "numerator", "denominator", "rate")
JSON_ROW_KEYS = (*INTERMEDIATE_COLUMNS, "suppressed")
HIGH_RISK = ("high", "very_high")
REFERRAL_DAYS = 30
EMPLOYMENT_DAYS = 90
POST_RELEASE_ENROLMENT_DAYS = 365
ENDED_STATUSES = ("completed", "dropped", "terminated")
INTERMEDIATE_MEASURES: dict[str, str] = {
    "assessed_before_release": "Releases with a risk/needs assessment before release",
    "high_risk_completed_pre_release": (
        "High-risk releases who completed a program before release"
    ),
    "high_risk_referred_30_days": (
        "High-risk releases referred to a post-release program within 30 days"
    ),
    "post_release_completion": "Post-release program enrollments that were completed",
    "employed_90_days_after_completion": (
        "People employed within 90 days of completing a post-release program"
    ),
    "high_risk_on_supervision": "High-risk releases placed on supervision at release",
}
# The tables each measure needs rows in.
NEEDS = {
    "assessed_before_release": "assessments",
    "high_risk_completed_pre_release": "programs",
    "high_risk_referred_30_days": "programs",
    "post_release_completion": "programs",
    "employed_90_days_after_completion": "outcomes",
}
NEEDED = tuple(sorted(set(NEEDS.values())))


def _program_records(keys: Table, programs: Table) -> Table:
    records = programs.select(
        p_person=programs.person_key,
        status=programs.status,
        phase=programs.phase,
        referral_day=programs.referral_date.epoch_days(),
        start_day=programs.start_date.epoch_days(),
        end_day=programs.end_date.epoch_days(),
    )
    joined = keys.join(records, keys.person_key == records.p_person)
    began = joined.start_day.fill_null(joined.referral_day)
    post = (joined.phase == "post_release") | (
        joined.phase.isnull() & (began >= joined.release_day)
    )
    return joined.mutate(post_release=post.fill_null(False), pre_release=~post.fill_null(False))


def _flag(people: Table, matches: Table, name: str) -> Table:
    """Adds boolean ``name``: the (person_key, release_day) has a row in ``matches``."""
    found = matches.group_by(f_person=matches.person_key, f_day=matches.release_day).aggregate()
    joined = people.left_join(
        found, [people.person_key == found.f_person, people.release_day == found.f_day]
    )
    return joined.select(
        *[joined[column] for column in people.columns], **{name: joined.f_person.notnull()}
    )


def assessed_releases(people: Table, assessments: Table) -> Table:
    """Per release of ``people`` (``person_key``, ``release_day``) with an assessment
    dated between admission and the release day: whether any of those assessments
    flags each need (``<flag>_yes``) and whether any records the flag at all
    (``<flag>_known``).

    The assessment flag and the needs read this one expression: in a query that has
    both, it is computed once (a grouped table is shared; a DISTINCT was copied
    into each part that read it).
    """
    keys = people.select("person_key", "release_day", "admission_day")
    dated = assessments.select(
        a_person=assessments.person_key,
        a_day=assessments.assessment_date.epoch_days(),
        **{flag: assessments[flag] for flag in NEED_FLAGS},
    )
    joined = keys.join(
        dated,
        [
            keys.person_key == dated.a_person,
            dated.a_day >= keys.admission_day,
            dated.a_day <= keys.release_day,
        ],
    )
    return joined.group_by(["person_key", "release_day"]).aggregate(
        **{f"{flag}_yes": joined[flag].any() for flag in NEED_FLAGS},
        **{f"{flag}_known": joined[flag].notnull().any() for flag in NEED_FLAGS},
    )


def with_assessment_flag(people: Table, assessments: Table) -> Table:
    """Adds ``assessed``: an assessment dated between admission and the release day."""
    return _flag(people, assessed_releases(people, assessments), "assessed")


def _flags(people: Table, tables: Tables) -> Table:
    keys = people.select("person_key", "release_day", "admission_day")
    records = _program_records(keys, tables.programs)
    completed_pre = records.filter(
        records.pre_release,
        records.status == "completed",
        records.start_day >= records.admission_day,
        records.start_day <= records.release_day,
    )
    referred_on = records.referral_day.fill_null(records.start_day)
    referred = records.filter(
        records.post_release,
        referred_on >= records.admission_day,
        referred_on <= records.release_day + REFERRAL_DAYS,
    )
    people = with_assessment_flag(people, tables.assessments)
    people = _flag(people, completed_pre, "completed_pre")
    return _flag(people, referred, "referred")


def _post_release_enrolments(people: Table, programs: Table) -> Table:
    records = _program_records(
        people.select("person_key", "release_day", "admission_day"), programs
    )
    return records.filter(
        records.post_release,
        records.status.isin(list(ENDED_STATUSES)),
        records.start_day >= records.release_day,
        records.start_day <= records.release_day + POST_RELEASE_ENROLMENT_DAYS,
    )


def intermediate_through(*, coalition_id: int, tables: Tables) -> dt.date | None:
    """The date the intermediate measures follow people to: the earliest
    ``data_through`` of the sources of releases, assessments, programs and outcomes
    (a referral within 30 days of release needs 30 days of program records)."""
    return data_through(
        coalition_id=coalition_id, tables=tables, kinds=("assessments", "programs", "outcomes")
    )


def intermediate_measures(
    *,
    tables: Tables,
    period: Period,
    data_through: dt.date,
    facility: str | None = None,
    cohort_table: Table | None = None,
) -> pd.DataFrame:
    """The six measures for the cohort of ``period`` (:data:`INTERMEDIATE_COLUMNS`,
    one row per key in the order of :data:`INTERMEDIATE_MEASURES`). A caller that has
    that cohort already (with ``person_key``, ``release_day``, ``admission_day``,
    ``risk_level``, ``supervision_type`` and ``on_supervision``) passes it as
    ``cohort_table``, and it is not built again."""
    query = intermediate_query(
        tables=tables,
        period=period,
        data_through=data_through,
        facility=facility,
        cohort_table=cohort_table,
    )
    return intermediate_frame(query.to_pandas())


def intermediate_query(
    *,
    tables: Tables,
    period: Period,
    data_through: dt.date,
    facility: str | None = None,
    cohort_table: Table | None = None,
) -> Table:
    """:func:`intermediate_measures`'s counts as one row of an expression (same
    arguments), for :func:`intermediate_frame`."""
    through = epoch_day(data_through)
    if cohort_table is None:
        cohort_table = cohort(tables, period=period, facility=facility)
    people = _flags(cohort_table, tables)
    high = people.risk_level.isin(list(HIGH_RISK))
    followed = people.release_day + REFERRAL_DAYS <= through
    known_supervision = people.on_supervision | (people.supervision_type != UNKNOWN)
    person_rows = people.aggregate(
        a_num=people.assessed.sum(),
        a_den=people.count(),
        b_num=(high & people.completed_pre).sum(),
        b_den=high.sum(),
        c_num=(high & followed & people.referred).sum(),
        c_den=(high & followed).sum(),
        f_num=(high & people.on_supervision).sum(),
        f_den=(high & known_supervision).sum(),
    )
    # From the cohort, not ``people``: the flags' joins would be copied into every
    # part of the query that reads the enrolments (DuckDB computed them three times).
    enrolments = _post_release_enrolments(cohort_table, tables.programs)
    enrolment_row = enrolments.aggregate(
        d_num=(enrolments.status == "completed").sum(), d_den=enrolments.count()
    )
    completions = enrolments.filter(enrolments.status == "completed", enrolments.end_day.notnull())
    first_completion = completions.group_by("person_key").aggregate(
        end_day=completions.end_day.min()
    )
    first_completion = first_completion.filter(
        first_completion.end_day + EMPLOYMENT_DAYS <= through
    )
    outcomes = tables.outcomes.filter(tables.outcomes.outcome_type == "employed")
    outcomes = outcomes.select(
        o_person=outcomes.person_key, o_day=outcomes.outcome_date.epoch_days()
    )
    employed = first_completion.join(
        outcomes,
        [
            first_completion.person_key == outcomes.o_person,
            outcomes.o_day >= first_completion.end_day,
            outcomes.o_day <= first_completion.end_day + EMPLOYMENT_DAYS,
        ],
    )
    employment_row = first_completion.aggregate(e_den=first_completion.count()).cross_join(
        employed.aggregate(e_num=employed.person_key.nunique())
    )
    # Whether each table a measure needs has any rows, in the same (single) query.
    counted = [getattr(tables, kind).aggregate(**{f"n_{kind}": _.count()}) for kind in NEEDED]
    combined = person_rows.cross_join(enrolment_row).cross_join(employment_row)
    for part in counted:
        combined = combined.cross_join(part)
    return combined


def intermediate_frame(counts: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`intermediate_measures` from :func:`intermediate_query`'s row."""
    wide = counts.iloc[0]
    present = {kind: int(wide[f"n_{kind}"]) > 0 for kind in NEEDED}
    letters = dict(zip(INTERMEDIATE_MEASURES, "abcdef", strict=True))
    rows = []
    for key, label in INTERMEDIATE_MEASURES.items():
        available = present.get(NEEDS.get(key, ""), True)
        numerator = count_or_zero(wide[f"{letters[key]}_num"]) if available else None
        denominator = count_or_zero(wide[f"{letters[key]}_den"]) if available else None
        rate = numerator / denominator if numerator is not None and denominator else np.nan
        rows.append(
            {
                "key": key,
                "label": label,
                "numerator": numerator,
                "denominator": denominator,
                "rate": rate,
            }
        )
    frame = pd.DataFrame(rows, columns=list(INTERMEDIATE_COLUMNS))
    # Nullable integers: a measure without data has <NA>, not a float NaN count.
    return frame.astype({"numerator": "Int64", "denominator": "Int64", "rate": float})


def count_or_zero(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]


def disclose_intermediate(frame: pd.DataFrame, *, k: int, unsuppressed: bool) -> Disclosed:
    """Rows of :func:`intermediate_measures` through ``disclose``, with the contract's keys."""
    rows = []
    for row in frame.to_dict("records"):
        rate = row["rate"]
        rows.append(
            {
                "key": row["key"],
                "label": row["label"],
                "numerator": None if pd.isna(row["numerator"]) else int(row["numerator"]),
                "denominator": None if pd.isna(row["denominator"]) else int(row["denominator"]),
                "rate": None if rate is None or math.isnan(float(rate)) else float(rate),
            }
        )
    disclosed = disclose(
        rows,
        unsuppressed=unsuppressed,
        k=k,
        counts=["numerator", "denominator"],
        rates=[RateSpec("rate", "numerator", "denominator")],
    )
    if not unsuppressed:
        # As on the pages: two high-risk denominators differing by 1 to k-1 give the
        # difference away, in one output.
        hide_close_denominators(disclosed, k)
    disclosed.rows = [{key: row[key] for key in JSON_ROW_KEYS} for row in disclosed.rows]
    return disclosed


def intermediate_json(frame: pd.DataFrame, *, k: int, unsuppressed: bool) -> dict[str, Any]:
    """The contract's JSON object for ``reentrykit metrics intermediate``."""
    return {"rows": disclose_intermediate(frame, k=k, unsuppressed=unsuppressed).rows}


# Intermediate measures whose denominators are all high-risk releases of the cohort,
# less some (those without 30 days of follow-up; those whose supervision is unknown):
# two of these denominators side by side give the difference away.
HIGH_RISK_SHARES = (
    "high_risk_completed_pre_release",
    "high_risk_referred_30_days",
    "high_risk_on_supervision",
)


def hide_close_denominators(table: Disclosed, k: int) -> None:
    """Hides the smaller of two high-risk denominators that differ by 1 to k-1 (and its
    rate, which times the numerator would give it back)."""
    shown = [
        i
        for i, row in enumerate(table.rows)
        if row.get("key") in HIGH_RISK_SHARES and row.get("denominator") is not None
    ]
    changed = True
    while changed:
        changed = False
        for i in shown:
            for j in shown:
                a, b = table.rows[i].get("denominator"), table.rows[j].get("denominator")
                if i == j or a is None or b is None or not is_small(a - b, k):
                    continue
                row = table.rows[j]  # the smaller
                for column in ("denominator", "rate"):
                    table.hidden[j].setdefault(column, "derived")
                    row[column] = None
                row["suppressed"] = True
                changed = True
