"""Edge cases of the measures of DATA.md, with answers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from reentrykit.metrics.cohorts import Period
from reentrykit.metrics.rates import recidivism_rates, wilson_interval
from reentrykit.metrics.tests.builders import event, memory_tables, release

THROUGH = dt.date(2025, 12, 31)


@pytest.mark.parametrize("trials", [3, 6, 7, 10, 13, 25, 100])
def test_the_wilson_interval_of_none_and_of_all_reaches_zero_and_one_exactly(trials: int) -> None:
    # 0 of n: centre = (z^2/2n) / (1 + z^2/n) and half-width = z * sqrt(z^2/4n^2) / (1 + z^2/n)
    # = (z^2/2n) / (1 + z^2/n), the same number: the lower bound is exactly 0. n of n is
    # its mirror image: the upper bound is exactly 1 (as statsmodels' Wilson interval).
    low, high = wilson_interval([0, trials], [trials, trials])
    assert low[0] == 0.0
    assert high[1] == 1.0
    # The other ends: 0 of n reaches 2 * centre, n of n 1 - 2 * centre.
    z2 = 1.959963984540054**2
    centre = (z2 / (2 * trials)) / (1 + z2 / trials)
    assert high[0] == pytest.approx(2 * centre, abs=1e-12)
    assert low[1] == pytest.approx(1 - 2 * centre, abs=1e-12)


def test_an_event_before_a_later_release_counts_for_the_earlier_release_only() -> None:
    """a: released 2023-12-31 and again 2024-01-10; arrested 2024-01-05, which is day 5
    after the 2023 release and before the 2024 one. The 2023 cohort has a as a
    recidivist within 180 days; the 2024 cohort has a (first qualifying release
    2024-01-10) without any arrest after it. b: a transfer on 2024-01-01 (never
    qualifies) and a release on 2024-01-01 the same day: b is in the 2024 cohort at
    the qualifying release, arrested on day 180 (2024-06-29, the last day of the window)."""
    tables = memory_tables(
        releases=[
            release("a", "2023-12-31"),
            release("a", "2024-01-10"),
            release("b", "2024-01-01", release_type="transfer"),
            release("b", "2024-01-01", release_type="bond"),
        ],
        events=[event("a", "2024-01-05", "arrest"), event("b", "2024-06-29", "booking")],
    )

    def counts(year: int) -> tuple[int, int]:
        frame = recidivism_rates(
            tables=tables,
            measure="rearrest",
            window=180,
            data_through=THROUGH,
            period=Period.calendar_year(year),
        )
        return int(frame.loc[0, "cohort"]), int(frame.loc[0, "recidivists"])

    assert counts(2023) == (1, 1)
    assert counts(2024) == (2, 1)
    # A date range over both years counts each person once, at their first release.
    whole = recidivism_rates(
        tables=tables,
        measure="rearrest",
        window=180,
        data_through=THROUGH,
        period=Period(dt.date(2023, 12, 31), dt.date(2024, 1, 1)),
    )
    assert (int(whole.loc[0, "cohort"]), int(whole.loc[0, "recidivists"])) == (2, 2)
