"""The survival curves' default cohort: the last full calendar year of releases."""

from __future__ import annotations

import datetime as dt

from reentrykit.metrics.cohorts import Period, survival_cohort


def test_data_through_december_31_completes_that_years_releases() -> None:
    # Data complete through 2025-12-31: every day of 2025 (Jan 1 to Dec 31) is covered,
    # so 2025 is a full calendar year of releases and, with releases in 2025, it is the
    # last one (README: "the last full calendar year of releases").
    assert survival_cohort(
        data_through=dt.date(2025, 12, 31), last_release_year=2025
    ) == Period.calendar_year(2025)


def test_data_through_inside_a_year_leaves_that_year_out() -> None:
    # Through 2025-12-30, Dec 31 2025 is not covered: 2024 is the last full year.
    assert survival_cohort(
        data_through=dt.date(2025, 12, 30), last_release_year=2025
    ) == Period.calendar_year(2024)
    # Without releases after 2023, the curves are of 2023's.
    assert survival_cohort(
        data_through=dt.date(2025, 12, 31), last_release_year=2023
    ) == Period.calendar_year(2023)
