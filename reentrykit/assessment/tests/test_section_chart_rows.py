"""A section's chart names every component of the section, as the table under it does:
a component no one rated (not scored) keeps its place on the chart, with no bar,
rather than vanishing from it."""

from __future__ import annotations

import re
from pathlib import Path

from reentrykit.assessment import reports, services
from reentrykit.testing import World


def test_a_component_not_scored_keeps_its_place_on_the_section_chart(
    world: World, test_instrument: Path
) -> None:
    round_ = services.round_open(coalition=world.coalition, name="Baseline")
    respondent = services.respondent_add(round_=round_, user=world.member)
    services.response_save(round_=round_, respondent=respondent, item_key="1.1.a", answer=2)
    services.round_close(round_=round_)

    results = reports.round_results(round_)
    first, second = results.sections
    assert [row.score.score for row in first.rows] == [66.7, None]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", first.chart_svg)
    assert "1.1 Table" in labels and "1.2 Map" in labels
    # A section with nothing scored still shows its component.
    assert "2.1 Measures" in re.findall(r"<text[^>]*>([^<]*)</text>", second.chart_svg)
