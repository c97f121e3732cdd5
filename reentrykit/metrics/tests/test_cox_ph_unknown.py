"""The proportional-hazards check when it cannot be computed for some term."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reentrykit.metrics.cox import fit_program_effect
from reentrykit.metrics.tests.builders import SAME_COVARIATES


def _people() -> pd.DataFrame:
    """120 people; the only one of unknown sex has the first event of all (day 1), so
    that level's coefficient drifts towards plus infinity and its variance, and so its
    proportional-hazards test, cannot be computed."""
    rng = np.random.default_rng(3)
    n = 120
    took_part = rng.random(n) < 0.4
    people = pd.DataFrame(
        {
            "id": [f"p{i:03d}" for i in range(n)],
            "time": rng.integers(2, 400, n),
            "event": (rng.random(n) < 0.6).astype(int),
            "program_day": np.where(took_part, rng.choice([0, 10, 30], n), np.nan),
            "age_at_release": rng.integers(18, 60, n),
            **SAME_COVARIATES,
            "race": rng.choice(["white", "black"], n),
        }
    )
    people.loc[0, ["sex", "event", "time"]] = ["unknown", 1, 1]
    return people


def test_a_check_that_cannot_be_computed_is_not_reported_as_failed() -> None:
    effect = fit_program_effect(_people())
    ph = effect.terms.set_index("term")["ph_p_value"]
    assert np.isnan(ph["sex:unknown"])
    # Every term that could be tested passes; the check is unknown, not failed.
    tested = ph.dropna()
    assert (tested * len(ph) >= 0.05).all()
    result = effect.as_dict()
    assert result["hazard_ratio"] is not None
    assert result["ph_assumption_ok"] is None


@pytest.mark.parametrize(
    ("ok", "says"),
    [
        (True, "no sign that the ratio changes over time"),
        (False, "the ratio may change over time"),
        (None, "could not be computed for every covariate"),
    ],
)
def test_the_page_says_what_the_check_found(ok: bool | None, says: str) -> None:
    from django.template.loader import render_to_string

    shown = {"hazard_ratio": 0.8, "ci_low": 0.6, "ci_high": 1.1, "p_value": 0.2}
    adjusted = {
        "status": "done",
        "shown": {**shown, "n": 400, "events": 120, "ph_assumption_ok": ok},
        "covariates": ["age"],
        "through": "2025-12-31",
    }
    html = render_to_string("metrics/_adjusted.html", {"adjusted": adjusted, "measure": "x"})
    assert f"Proportional-hazards check: {says}" in html
