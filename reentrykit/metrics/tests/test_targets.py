"""A target is for people released after its indicator's baseline."""

from __future__ import annotations

from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.testing import World


def test_a_target_for_a_cohort_before_the_baseline_is_refused(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)  # a 2022 baseline
    client = signed_in(world.coordinator)
    response = client.post(
        f"/c/riverton/measures/indicators/{indicator.pk}/targets/",
        {"label": "Short term", "cohort_year": "2021", "target_percent": "40"},
    )
    # A target says where a later cohort should be, compared with the baseline: one
    # for people released in 2021, a year before the 2022 baseline, cannot be met.
    assert response.status_code == 200, "a target before the baseline was saved"
    assert not indicator.targets.exists()
    assert "2022" in response.content.decode()
