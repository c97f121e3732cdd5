"""A gap is counted in whole people, as the page shows the estimate: 100 people a year
× 7% is 7 people, not 7.000000000000001, and a need of 100.4 people beside 100 places
is no gap the page can show ("0 unserved")."""

from __future__ import annotations

import html
import re

from reentrykit.assessment.models import CandidatePriority
from reentrykit.core.access import as_viewer
from reentrykit.resources.estimates import needs_against_capacity
from reentrykit.resources.models import NeedAssumption, ReleaseVolume, Service
from reentrykit.testing import World

BASE = "/c/riverton/resources/"


def _figures(world: World, per_year: int, percent: float, capacity: int) -> None:
    ReleaseVolume.objects.create(coalition=world.coalition, per_year=per_year)
    NeedAssumption.objects.create(coalition=world.coalition, need="housing", percent=percent)
    Service.objects.create(
        coalition=world.coalition,
        name="Bridge housing",
        provider="P",
        need="housing",
        capacity_per_year=capacity,
    )


def _housing(world: World):  # type: ignore[no-untyped-def]
    rows = needs_against_capacity(as_viewer(world.coalition))
    return next(row for row in rows.rows if row.key == "housing"), rows.gaps


def test_needs_met_exactly_are_no_gap(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _figures(world, 100, 7, 7)  # 100 x 7% = 7 people, 7 places
    housing, gaps = _housing(world)
    assert housing.gap == 0 and gaps == []
    member = signed_in(world.member)
    page = html.unescape(member.get(f"{BASE}needs/").content.decode())
    row = re.search(r"Housing</th>(.*?)</tr>", page[page.index('id="needs-table"') :], re.S)
    assert "unserved" not in row.group(1) and "candidate priority" not in row.group(1)
    assert member.post(f"{BASE}needs/housing/candidate/").status_code == 404
    assert not CandidatePriority.objects.exists()


def test_a_gap_under_half_a_person_is_none(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _figures(world, 251, 40, 100)  # 251 x 40% = 100.4, shown as 100, beside 100 places
    housing, gaps = _housing(world)
    assert housing.gap == 0 and gaps == []
    page = html.unescape(signed_in(world.member).get(f"{BASE}needs/").content.decode())
    assert "0 unserved" not in page


def test_the_gap_note_rounds_the_need_as_the_page_does(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _figures(world, 250, 1, 0)  # 250 x 1% = 2.5: the page shows 3
    housing, _ = _housing(world)
    assert housing.gap == 3
    member = signed_in(world.member)
    page = html.unescape(member.get(f"{BASE}needs/").content.decode())
    assert "3 unserved" in page
    member.post(f"{BASE}needs/housing/candidate/")
    assert CandidatePriority.objects.get().note.startswith("About 3 people a year")
