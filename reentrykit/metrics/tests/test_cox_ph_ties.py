"""The proportional-hazards check on whole days, where events tie."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import proportional_hazard_test

from reentrykit.metrics.cox import schoenfeld_ph_pvalues


@pytest.mark.parametrize("seed", [5, 7])
def test_the_ph_check_matches_lifelines_when_events_share_a_day(seed: int) -> None:
    # Times in whole days, as every model here has them: many events share a day. The
    # model is fitted with Efron's ties, so the Schoenfeld residuals must subtract the
    # Efron means of the tied events (as lifelines and R do), not the Breslow mean.
    rng = np.random.default_rng(seed)
    n = 150
    frame = pd.DataFrame({"x1": rng.normal(size=n), "x2": (rng.random(n) < 0.4).astype(float)})
    frame["stop"] = np.ceil(rng.exponential(10 / np.exp(0.5 * frame.x1 - 0.3 * frame.x2)))
    frame["event"] = (rng.random(n) < 0.8).astype(int)
    # Sorted as lifelines sorts, so that tied events take their ranks in the same order.
    frame = frame.sort_values(["stop", "event"], kind="stable").reset_index(drop=True)
    assert frame.loc[frame.event == 1, "stop"].duplicated().sum() > 50
    columns = ["x1", "x2", "stop", "event"]
    cph = CoxPHFitter().fit(frame[columns], "stop", "event")
    expected = proportional_hazard_test(cph, frame[columns], time_transform="rank")
    got = schoenfeld_ph_pvalues(
        frame.assign(start=0.0),
        terms=["x1", "x2"],
        params=cph.params_.to_numpy(),
        variance=cph.variance_matrix_.to_numpy(),
    )
    np.testing.assert_allclose(got, expected.p_value, atol=1e-6)
