"""A closed round whose answers were all "Don't know" has no score: the synthesis
report says so as the compare page does ("—"), not a bare "%"."""

from __future__ import annotations

import lxml.html

from reentrykit.assessment.testing import closed_round
from reentrykit.testing import World


def _cells(content: bytes, table: str) -> list[list[str]]:
    tree = lxml.html.fromstring(content)
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("th|td")]
        for row in tree.xpath(f'//table[@id="{table}"]/tbody/tr')
    ]


def test_an_unscored_round_shows_a_dash_on_the_report_as_on_the_compare_page(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    closed_round(world, "Baseline", {"1": "dont_know", "2": "dont_know", "3": "dont_know"})
    closed_round(world, "Follow-up", {"1": 2, "2": 2, "3": 2})
    client = signed_in(world.network_admin)
    [compared, _] = [
        row
        for row in _cells(client.get("/n/pilot/compare/").content, "score-table")
        if row[0] == "Riverton County Reentry Coalition"
    ]
    assert compared[2] == "—"  # the first round's overall score
    [reported] = [
        row
        for row in _cells(client.get("/n/pilot/report/").content, "progress-table")
        if row[0] == "Riverton County Reentry Coalition"
    ]
    assert reported[1:3] == ["—", "66.7%"]
