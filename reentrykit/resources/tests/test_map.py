"""The reentry map: cells described and refused, counts disclosed by role, services
placed by where they work, gaps made candidate priorities."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from reentrykit.assessment.models import CandidatePriority
from reentrykit.core.access import as_viewer
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.resources.models import MapCell, Service
from reentrykit.resources.reentry_map import reentry_map
from reentrykit.testing import World

MAP = "/c/riverton/resources/map/"


def _flow_row(key: str, parent: str, count: int) -> dict[str, object]:
    return {"key": key, "label": key, "parent": parent, "unit": "people", "count": count}


def _snapshot(world: World) -> None:
    """People released in 2024: 350 arrests, 300 bookings, 260 releases, 200 people, 120 on
    supervision, of whom 4 (a small count) were assessed before release."""
    MetricSnapshot.objects.create(
        coalition=world.coalition,
        data_through=dt.date(2025, 12, 31),
        payload={
            "latest_complete_year": 2024,
            "flow": [
                _flow_row("arrests", "", 350),
                _flow_row("bookings", "", 300),
                _flow_row("releases", "", 260),
                _flow_row("cohort", "releases", 200),
                _flow_row("on_supervision", "cohort", 120),
                _flow_row("assessed", "cohort", 4),
            ],
        },
    )


def _words(content: bytes) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content.decode())).split())


def _row(page: str, point: str) -> str:
    """The words of one decision point's row of the grid."""
    row = re.search(rf'<tr id="point-{point}">(.*?)</tr>', page, re.S)
    assert row is not None, point
    return _words(row.group(1).encode())


def _service(world: World, name: str, need: str, setting: str) -> Service:
    return Service.objects.create(
        coalition=world.coalition, name=name, provider="P", need=need, setting=setting
    )


def test_services_sit_where_they_work_and_counts_beside_their_point(world: World) -> None:
    _snapshot(world)
    _service(world, "Jail GED", "education", "pre_release")
    _service(world, "Bridge housing", "housing", "community")
    _service(world, "Recovery coaching", "substance_use", "both")
    grid = reentry_map(as_viewer(world.coalition))
    placed = {
        (row.point.key, cell.system): [s.name for s in cell.services]
        for row in grid.rows
        for cell in row.cells
        if cell.services
    }
    assert placed == {
        ("custody", "education"): ["Jail GED"],
        ("custody", "substance_use"): ["Recovery coaching"],
        ("release", "substance_use"): ["Recovery coaching"],
        ("supervision", "housing"): ["Bridge housing"],
        ("supervision", "substance_use"): ["Recovery coaching"],
    }
    rows = {row.point.key: row for row in grid.rows}
    assert [label for _, label in rows["release"].flow_rows] == ["Releases", "People released"]
    assert [label for _, label in rows["arrest"].flow_rows] == ["Arrests"]
    assert rows["pretrial"].flow_rows == []  # the data has no counts before trial
    assert grid.cohort_year == 2024 and grid.described == 0 and grid.gaps == []


def test_the_counts_are_disclosed_for_the_reader(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _snapshot(world)
    member = signed_in(world.member).get(MAP).content.decode()
    assert _row(member, "arrest").startswith("Arrest Arrests: 350 ")
    assert _row(member, "booking").startswith("Booking Bookings: 300 ")
    assert "Releases: 260 People released: 200" in _row(member, "release")
    # 4 assessed is a small count: hidden from a member, shown to a data steward.
    assert "Assessed before release: <11" in _row(member, "custody")
    assert "Confidential:" not in member
    steward = signed_in(world.steward).get(MAP).content.decode()
    assert "Assessed before release: 4" in _row(steward, "custody")
    assert "Confidential:" in steward


def test_a_member_describes_a_cell_and_readers_only_read(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _service(world, "Bridge housing", "housing", "community")
    member = signed_in(world.member)
    page = member.get(f"{MAP}supervision/housing/")
    assert "Bridge housing (P)" in _words(page.content)
    # The status is a required radio button: no blank "---------" choice to pick.
    assert "---------" not in page.content.decode()
    response = member.post(
        f"{MAP}release/housing/",
        {"status": "gap", "missing": "No one plans housing before release."},
    )
    cell = MapCell.objects.get()
    assert response["Location"] == f"{MAP}#cell-{cell.pk}"
    assert (cell.coalition, cell.point, cell.system, cell.status) == (
        world.coalition,
        "release",
        "housing",
        "gap",
    )
    page = member.get(MAP).content.decode()
    assert _row(page, "release").startswith(
        "Release Gap Change : Housing at release — Not described"
    )
    assert "1 of the 63 cells (7 decision points × 9 systems) described · 1 gap." in _words(
        page.encode()
    )
    assert "Housing at release : No one plans housing before release." in _words(page.encode())
    # Changed in place, then removed.
    member.post(f"{MAP}release/housing/", {"status": "partial", "practice": "A navigator."})
    assert MapCell.objects.get().status == "partial" and MapCell.objects.count() == 1
    viewer = signed_in(world.viewer)
    assert "Partly in place" in viewer.get(MAP).content.decode()
    assert viewer.get(f"{MAP}release/housing/").status_code == 403
    assert viewer.post(f"{MAP}release/housing/", {"delete": "yes"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert "Partly in place" not in outsider.get("/c/elsewhere/resources/map/").content.decode()
    assert outsider.post(f"{MAP}release/housing/", {"status": "gap"}).status_code == 404
    assert MapCell.objects.get().status == "partial"
    member = signed_in(world.member)
    member.post(f"{MAP}release/housing/", {"delete": "yes"})
    assert not MapCell.objects.exists()


@pytest.mark.parametrize(
    ("path", "fields", "status"),
    [
        ("release/housing/", {"practice": "Something"}, 200),  # no status
        ("release/housing/", {"status": "fine"}, 200),
        ("parole_board/housing/", {"status": "gap"}, 404),
        ("release/transport/", {"status": "gap"}, 404),
    ],
)
def test_bad_cells_are_refused_and_change_nothing(
    world: World, signed_in, path: str, fields: dict[str, str], status: int
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(f"{MAP}{path}", fields)
    assert response.status_code == status
    if status == 200:
        assert "status" in response.context["form"].errors
    assert not MapCell.objects.exists()


def test_a_gap_becomes_a_candidate_priority_once(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    gap = MapCell.objects.create(
        coalition=world.coalition,
        point="release",
        system="id_benefits",
        status="gap",
        missing="People leave without an ID.",
    )
    working = MapCell.objects.create(
        coalition=world.coalition, point="custody", system="education", status="in_place"
    )
    member = signed_in(world.member)
    member.post(f"{MAP}gaps/{gap.pk}/candidate/")
    member.post(f"{MAP}gaps/{gap.pk}/candidate/")
    candidate = CandidatePriority.objects.get()
    assert (candidate.source, candidate.component_key, candidate.title, candidate.note) == (
        "map",
        "release.id_benefits",
        "ID and benefits at release",
        "People leave without an ID.",
    )
    assert "ID and benefits at release" in member.get("/c/riverton/plan/").content.decode()
    # A cell that is no gap, and another coalition's gap, make nothing.
    assert member.post(f"{MAP}gaps/{working.pk}/candidate/").status_code == 404
    elsewhere = MapCell.objects.create(
        coalition=world.other, point="release", system="housing", status="gap"
    )
    assert member.post(f"{MAP}gaps/{elsewhere.pk}/candidate/").status_code == 404
    assert signed_in(world.viewer).post(f"{MAP}gaps/{gap.pk}/candidate/").status_code == 403
    assert CandidatePriority.objects.count() == 1


def test_the_audit_trail_names_a_cell_in_words(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(world.member).post(f"{MAP}release/id_benefits/", {"status": "gap"})
    words = _words(signed_in(world.coordinator).get("/c/riverton/audit/").content)
    assert "Map cell “ID and benefits at Release: Gap”" in words
    assert "Decision point: — → Release" in words and "Service system: — → ID and benefits" in words
    assert "id_benefits" not in words
