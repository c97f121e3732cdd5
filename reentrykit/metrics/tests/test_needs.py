"""Need prevalence among the released, on a cohort worked by hand."""

from __future__ import annotations

import math

import pandas as pd

from reentrykit.metrics.cohorts import Period, cohort
from reentrykit.metrics.needs import NEED_COLUMNS, need_prevalence
from reentrykit.metrics.tests.builders import memory_tables, release

# Five releases in 2024, admitted on January 1 (n5: no admission date, so the window
# starts 365 days before release).
RELEASES = [
    release("n1", "2024-03-01", admission_date="2024-01-01"),
    release("n2", "2024-03-01", admission_date="2024-01-01"),
    release("n3", "2024-03-01", admission_date="2024-01-01"),
    release("n4", "2024-03-01", admission_date="2024-01-01"),
    release("n5", "2024-06-01"),
]
ASSESSMENTS = [
    # n1: two assessments in custody; housing flagged on the second only (counts).
    {
        "person_key": "n1",
        "assessment_date": "2024-01-10",
        "need_housing": False,
        "need_employment": True,
    },
    {
        "person_key": "n1",
        "assessment_date": "2024-02-10",
        "need_housing": True,
        "need_employment": True,
    },
    # n2: no housing need; employment not screened (null).
    {"person_key": "n2", "assessment_date": "2024-02-01", "need_housing": False},
    # n3: assessed after release only: not counted at all.
    {"person_key": "n3", "assessment_date": "2024-04-01", "need_housing": True},
    # n4: assessed before admission: not counted.
    {"person_key": "n4", "assessment_date": "2023-12-01", "need_housing": True},
    # n5: within the 365-day window before its release; housing and employment.
    {
        "person_key": "n5",
        "assessment_date": "2023-09-01",
        "need_housing": True,
        "need_employment": True,
    },
]


def test_it_counts_each_need_among_releases_assessed_before_release() -> None:
    tables = memory_tables(releases=RELEASES, assessments=ASSESSMENTS)
    people = cohort(tables, period=Period.calendar_year(2024))
    frame = need_prevalence(tables=tables, cohort_table=people)
    assert list(frame.columns) == list(NEED_COLUMNS)
    got = {row.key: (row.numerator, row.denominator) for row in frame.itertuples()}
    # Housing: n1 and n5 of n1, n2, n5 (n3 and n4 fall outside their windows).
    assert got["housing"] == (2, 3)
    # Employment: n1 and n5, of the two whose assessments record it (n2's does not).
    assert got["employment"] == (2, 2)
    housing = frame.set_index("key").loc["housing"]
    assert housing["rate"] == 2 / 3 and housing["label"] == "Housing"
    # Nobody was screened for education: no figure rather than a zero.
    education = frame.set_index("key").loc["education"]
    assert pd.isna(education["numerator"]) and pd.isna(education["denominator"])
    assert math.isnan(education["rate"])
