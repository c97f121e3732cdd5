"""The adjusted comparison when participation separates the events perfectly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reentrykit.metrics.cox import fit_program_effect
from reentrykit.metrics.tests.builders import SAME_COVARIATES


def _people(*, participants_have_events: bool) -> pd.DataFrame:
    """60 people, every third one in the program from release; events only among the
    participants, or only among the others."""
    rng = np.random.default_rng(1)
    n = 60
    took_part = np.arange(n) % 3 == 0
    with_events = took_part if participants_have_events else ~took_part
    return pd.DataFrame(
        {
            "id": [f"p{i:02d}" for i in range(n)],
            "time": rng.integers(5, 400, n),
            "event": (with_events & (rng.random(n) < 0.7)).astype(int),
            "program_day": np.where(took_part, 0, np.nan),
            "age_at_release": rng.integers(18, 60, n),
            **SAME_COVARIATES,
        }
    )


@pytest.mark.parametrize("participants_have_events", [False, True])
def test_no_hazard_ratio_when_every_event_falls_on_one_side(
    participants_have_events: bool,
) -> None:
    # The partial likelihood rises without end as the program's coefficient goes to
    # minus (or plus) infinity: there is no estimate, not a hazard ratio of 1e-9 with
    # an interval of (0, inf) and a p-value of 1.
    people = _people(participants_have_events=participants_have_events)
    result = fit_program_effect(people).as_dict()
    assert result["events"] > 0
    assert result["participant_events"] == (result["events"] if participants_have_events else 0)
    for key in ("hazard_ratio", "ci_low", "ci_high", "p_value", "ph_assumption_ok"):
        assert result[key] is None, key
    assert "Not estimable" in result["note"]


def test_an_unbounded_interval_end_is_null_in_json() -> None:
    import json

    from reentrykit.metrics.cox import _plain

    assert json.dumps([_plain(float("inf")), _plain(np.float64("nan")), _plain(1.5)]) == (
        "[null, null, 1.5]"
    )
