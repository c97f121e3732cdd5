"""The synthesis report: progress per site, shared priorities, practices and lessons."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from reentrykit.assessment.models import CandidatePriority
from reentrykit.assessment.testing import closed_round
from reentrykit.library.services import practice_feature, practice_write
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.metrics.tests.test_dashboard import _table
from reentrykit.network.models import NetworkSite
from reentrykit.network.services import action_item_add, action_item_mark, coaching_session_record
from reentrykit.planning.models import ActionStep, Goal, Priority
from reentrykit.testing import World

PAGE = "/n/pilot/report/"


@pytest.fixture
def pilot(world: World) -> World:
    """Riverton: two rounds, 90 of 200 rearrested, a session with 1 of 2 items done and
    three write-ups. Elsewhere: 3 of 7 rearrested (small), one lesson."""
    other_site = NetworkSite.objects.get(network=world.network, coalition=world.other)
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    small = dashboard_payload()
    small["rates"] = [rate_row("all", "all", 7, 3)]
    MetricSnapshot.objects.create(coalition=world.other, payload=small)
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    closed_round(world, "Follow-up", {"1": 3, "2": 3, "3": 3})
    for coalition, key in (
        (world.coalition, "2.3"),
        (world.coalition, "1.2"),
        (world.other, "2.3"),
    ):
        CandidatePriority.objects.create(coalition=coalition, component_key=key, title=key)
    # A gap found in needs against capacity (the resources pages).
    CandidatePriority.objects.create(
        coalition=world.other, source="resources", component_key="housing", title="Housing gap"
    )
    # A gap marked on the reentry map.
    CandidatePriority.objects.create(
        coalition=world.coalition, source="map", component_key="release.housing", title="Gap"
    )
    session = coaching_session_record(
        site=world.site, coach=world.coach, held_on=dt.date(2026, 9, 1)
    )
    done = action_item_add(session=session, description="A", owner="B", due_on=dt.date(2026, 9, 9))
    action_item_mark(item=done, done=True, today=dt.date(2026, 9, 8))
    action_item_add(session=session, description="C", owner="D", due_on=dt.date(2026, 12, 9))

    def write(site, title, **fields):  # type: ignore[no-untyped-def]
        return practice_write(
            site=site, written_by=None, title=title, summary=f"{title}.", body="B", **fields
        )

    mentors = write(
        world.site, "Peer mentors", components=["3.4", "2.3"], rating="promising", rigor="low"
    )
    practice_feature(practice=mentors, featured=True)
    write(world.site, "Agree on data early", kind="lesson", components=["2.1"])
    write(world.site, "Meet in the evening", kind="lesson")
    write(other_site, "Ask the jail first", kind="lesson", components=["2.3", "1.1"])
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs in 90 days")
    for status in ("done", "in_progress", "not_started"):
        ActionStep.objects.create(
            goal=goal, description=status, due_on=dt.date(2026, 12, 1), status=status
        )
    return world


def test_the_report_sets_out_each_sites_progress(pilot: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(pilot.network_admin).get(PAGE).content.decode()
    # Each cell's words, one space apart (a rate's interval is on a line of its own).
    rows = {
        row[0]: [" ".join(c.split()) for c in row[1:]] for row in _table(html, "progress-table")[1:]
    }
    # First round: (13 x 1 + 36 x 2) / 147 = 57.8%; the follow-up rated every item 3.
    assert rows["Riverton County Reentry Coalition"] == [
        "57.8%",
        "100.0%",
        "45% (2023) 95% interval 40%–50%",
        "1 of 3",
        "1",
        "1 of 2",
        "3",
    ]
    assert rows["Elsewhere City Reentry Partnership"] == [
        "—",
        "—",
        "suppressed (2023)",
        "No action steps yet",
        "0",
        "0 of 0",
        "1",
    ]
    assert "42.9%" not in html and "43%" not in html


def test_the_report_ranks_shared_priorities_and_groups_lessons(pilot: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(pilot.network_admin).get(PAGE).content.decode()
    priorities = _table(html, "priority-table")[1:]
    assert priorities == [
        [
            "2.3 Focus on people most likely to recidivate",
            "2",
            "Elsewhere City Reentry Partnership, Riverton County Reentry Coalition",
        ],
        ["1.2 Reentry map", "1", "Riverton County Reentry Coalition"],
        ["Reentry map: housing at release", "1", "Riverton County Reentry Coalition"],
        ["Services for housing needs", "1", "Elsewhere City Reentry Partnership"],
    ]
    areas = dict(tuple(row) for row in _table(html, "practice-area-table")[1:])
    assert areas["2.3 Focus on people most likely to recidivate"] == "2"
    assert areas["2.1 Recidivism measures"] == "1"
    # Lessons under their first section, then the untagged ones.
    themes = html[html.index("Lessons learned, by theme") :]
    order = ["1. Driving Systems Change", "Ask the jail first", "2. Reducing Recidivism"]
    order += ["Agree on data early", "Other lessons", "Meet in the evening"]
    positions = [themes.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Peer mentors</strong> (Riverton County Reentry Coalition; promising)" in html


def test_a_coach_reports_on_assigned_sites_only(pilot: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(pilot.coach).get(PAGE).content.decode()
    assert [row[0] for row in _table(html, "progress-table")[1:]] == [
        "Riverton County Reentry Coalition"
    ]
    assert "Ask the jail first" not in html
    assert "Elsewhere City Reentry Partnership" not in html


def test_the_pdf_has_the_same_figures_suppressed(pilot: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    response = signed_in(pilot.network_admin).get("/n/pilot/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    squeezed = "".join(text.split())  # the extracted text loses some spaces
    assert (
        "Whatthesiteslearned" in squeezed and "57.8%100.0%45%(2023)95%interval40%–50%" in squeezed
    )
    assert "suppressed(2023)" in squeezed and "43%" not in squeezed


@pytest.mark.parametrize("role", ["coordinator", "member", "outsider"])
def test_people_without_a_network_role_get_no_report(role: str, pilot: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(pilot, role))
    assert client.get(PAGE).status_code == 404
    assert client.get("/n/pilot/report.pdf").status_code == 404


def test_a_site_with_one_round_shows_it_as_first_and_latest(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    html = signed_in(world.network_admin).get(PAGE).content.decode()
    rows = {
        row[0]: [" ".join(c.split()) for c in row[1:]] for row in _table(html, "progress-table")[1:]
    }
    first, latest = rows["Riverton County Reentry Coalition"][:2]
    assert first.endswith("%") and latest == "Same as first"
