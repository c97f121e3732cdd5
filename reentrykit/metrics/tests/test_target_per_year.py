"""A target sent twice (a double click, the browser's back and submit again) is one
target, and a target typed wrong is put right by entering its year again."""

from __future__ import annotations

import html

from reentrykit.metrics.tests.builders import rearrest_indicator
from reentrykit.testing import World


def test_a_target_sent_twice_is_one_target_and_entering_its_year_again_corrects_it(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    indicator = rearrest_indicator(world.coalition)  # a 2022 baseline
    client = signed_in(world.member)
    url = f"/c/riverton/measures/indicators/{indicator.pk}/targets/"
    target = {"label": "Short term", "cohort_year": "2026", "target_percent": "4"}
    client.post(url, target)
    client.post(url, target)
    assert list(indicator.targets.values_list("label", "cohort_year")) == [("Short term", 2026)]
    # 4% was a typo for 40%: the target for 2026 is entered again, and replaces it.
    response = client.post(url, {**target, "target_percent": "40"}, follow=True)
    assert list(indicator.targets.values_list("cohort_year", "target_rate")) == [(2026, 0.4)]
    page = html.unescape(response.content.decode())
    assert "Short term: 40.0% for 2026" in page
    assert "4.0% for 2026" not in page.replace("40.0% for 2026", "")
    assert "it was 4.0%" in page
