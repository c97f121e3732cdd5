"""The cross-site dashboard: which sites a reader sees, the scores, and suppression."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from reentrykit.assessment import services as assessment
from reentrykit.assessment.testing import closed_round
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.metrics.tests.builders import dashboard_payload, rate_row
from reentrykit.metrics.tests.test_dashboard import _cells
from reentrykit.network.services import coach_assign, network_role_grant
from reentrykit.testing import World

PAGE = "/n/pilot/compare/"


def _small_site_payload() -> dict:
    """The other coalition's measures: 7 people released in 2023, 3 rearrested."""
    payload = dashboard_payload()
    payload["rates"] = [rate_row("all", "all", 7, 3)]
    return payload


@pytest.fixture
def snapshots(world: World) -> None:
    MetricSnapshot.objects.create(coalition=world.coalition, payload=dashboard_payload())
    MetricSnapshot.objects.create(coalition=world.other, payload=_small_site_payload())


def _csv(client, table: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"{PAGE}export/?table={table}")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_network_admin_compares_every_site_with_small_counts_hidden(
    world: World, snapshots, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.network_admin)
    html = client.get(PAGE).content.decode()
    rows = _cells(html, "measure-table")
    # Riverton: 90 of 200 rearrested (45%, to a whole percent outside the site), shown
    # with its interval; counts stay
    # inside the coalition.
    assert rows["Riverton County Reentry Coalition"][1].split()[0] == "45%"
    assert "95% interval" in rows["Riverton County Reentry Coalition"][1]
    assert "200" not in rows["Riverton County Reentry Coalition"][1]
    # Elsewhere: 3 of 7. The rate rests on a small cell.
    assert rows["Elsewhere City Reentry Partnership"][1].startswith("suppressed")
    assert "42.9%" not in html and "43%" not in html
    assert "43.4%" in html  # the national reference
    measures = {row["site"]: row for row in _csv(client, "measures")}
    assert measures["Riverton County Reentry Coalition"]["rearrest_rate"] == "0.45"
    assert list(measures["Riverton County Reentry Coalition"]) == [
        "site", "cohort_year", "data_through",
        *(f"{m}_{c}" for m in ("rearrest", "reconviction", "reincarceration")
          for c in ("rate", "ci_low", "ci_high", "unstable")),
    ]  # fmt: skip
    elsewhere = measures["Elsewhere City Reentry Partnership"]
    assert elsewhere["rearrest_rate"] == "suppressed"
    assert elsewhere["rearrest_ci_low"] == "suppressed"
    workbook = client.get(f"{PAGE}export/?table=measures&format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.content))["measures"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    header = [cell.value for cell in sheet[1]]
    assert "rearrest_cohort" not in header and "rearrest_recidivists" not in header
    small = rows["Elsewhere City Reentry Partnership"]
    assert 3 not in small and 7 not in small
    assert rows["Riverton County Reentry Coalition"][header.index("rearrest_rate")] == 0.45


def test_a_sites_own_data_steward_sees_it_suppressed_here(
    world: World, snapshots, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """A cross-site view leaves the steward role, so it is suppressed for everyone."""
    MetricSnapshot.objects.create(coalition=world.coalition, payload=_small_site_payload())
    coach = network_role_grant(network=world.network, user=world.steward, role="coach")
    coach_assign(coach=coach, site=world.site)
    client = signed_in(world.steward)
    own_page = client.get("/c/riverton/measures/").content.decode()
    assert "42.9%" in own_page  # raw on the steward's own measures page
    html = client.get(PAGE).content.decode()
    assert "42.9%" not in html and "43%" not in html
    assert _cells(html, "measure-table")["Riverton County Reentry Coalition"][1] == "suppressed"
    assert "0.428" not in client.get(f"{PAGE}export/?table=measures").content.decode()


def test_each_sites_plan_progress_is_compared(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from reentrykit.planning.models import (
        ActionStep,
        Goal,
        Priority,
        QualityCheck,
        StatusUpdate,
    )

    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    Priority.objects.create(coalition=world.coalition, title="Housing")
    goal = Goal.objects.create(priority=priority, statement="Jobs in 90 days")
    for status, percent, due in (
        ("done", 100, dt.date(2020, 1, 1)),  # late, but done: not overdue
        ("in_progress", 50, dt.date(2020, 1, 1)),  # overdue
        ("not_started", 0, dt.date(2999, 1, 1)),
    ):
        ActionStep.objects.create(
            goal=goal, description=status, due_on=due, status=status, percent_complete=percent
        )
    # The goal was off track, then at risk: its latest report counts.
    for day, rating in ((1, "off_track"), (9, "at_risk")):
        StatusUpdate.objects.create(
            goal=goal, reported_on=dt.date(2026, 9, day), rating=rating, commentary="."
        )
    # A check never done is due; one done today is not.
    QualityCheck.objects.create(coalition=world.coalition, what="Case plans")
    QualityCheck.objects.create(
        coalition=world.coalition, what="Referrals", last_checked_on=timezone.localdate()
    )
    client = signed_in(world.network_admin)
    rows = _cells(client.get(PAGE).content.decode(), "plan-table")
    assert rows["Riverton County Reentry Coalition"] == [
        *("2", "1", "1", "0", "1 of 3", "1", "50%", "1")
    ]
    assert rows["Elsewhere City Reentry Partnership"] == [
        *("0", "0", "0", "0", "0 of 0", "0", "0%", "0")
    ]
    exported = {row["site"]: row for row in _csv(client, "plans")}
    assert exported["Riverton County Reentry Coalition"] == {
        "site": "Riverton County Reentry Coalition",
        "priorities": "2",
        "goals": "1",
        "at_risk": "1",
        "off_track": "0",
        "steps": "3",
        "done": "1",
        "overdue": "1",
        "percent": "50",
        "checks_due": "1",
    }


def test_a_coach_compares_only_assigned_sites(world: World, snapshots, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coach)
    html = client.get(PAGE).content.decode()
    assert "Riverton County Reentry Coalition" in html
    assert "Elsewhere City Reentry Partnership" not in html
    exported = client.get(f"{PAGE}export/?table=measures").content.decode()
    assert "Elsewhere" not in exported


@pytest.mark.parametrize("role", ["coordinator", "steward", "member", "outsider"])
def test_people_without_a_network_role_get_no_dashboard(
    role: str, world: World, snapshots, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(getattr(world, role))
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}export/?table=measures").status_code == 404


def test_scores_show_the_first_and_latest_closed_rounds(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    # First round: the 13 items of section 1 rated 1 of 3, the 36 others 2 of 3.
    closed_round(world, "Baseline", {"1": 1, "2": 2, "3": 2})
    closed_round(world, "Middle", {"1": 2, "2": 2, "3": 2})
    closed_round(world, "Follow-up", {"1": 3, "2": 3, "3": 3})
    assessment.round_open(coalition=world.coalition, name="Still open")
    client = signed_in(world.network_admin)
    html = client.get(PAGE).content.decode()
    rows = [row[1:] for row in _score_rows(html) if row[0] == "Riverton County Reentry Coalition"]
    # Overall: (13 x 1 + 36 x 2) / (49 x 3) = 85 / 147 = 57.8%.
    assert rows == [
        ["Baseline (first)", "57.8%", "33.3%", "66.7%", "66.7%"],
        ["Follow-up (latest)", "100.0%", "100.0%", "100.0%", "100.0%"],
    ]
    other = [row for row in _score_rows(html) if row[0].startswith("Elsewhere")]
    assert other == [["Elsewhere City Reentry Partnership", "No closed round yet"]]
    exported = [row for row in _csv(client, "scores") if row["site"].startswith("Riverton")]
    assert [(row["round"], row["name"], row["overall"], row["1"]) for row in exported] == [
        ("first", "Baseline", "57.8", "33.3"),
        ("latest", "Follow-up", "100.0", "100.0"),
    ]
    assert "Assessment scores by site" in html  # the chart's accessible title


def test_a_site_with_one_closed_round_shows_it_once(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    closed_round(world, "Baseline", {"1": 2, "2": 2, "3": 2})
    html = signed_in(world.network_admin).get(PAGE).content.decode()
    rows = [row for row in _score_rows(html) if row[0].startswith("Riverton")]
    assert rows == [
        ["Riverton County Reentry Coalition", "Baseline (first and latest)"] + ["66.7%"] * 4
    ]


def test_sites_without_measures_say_so(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    html = signed_in(world.network_admin).get(PAGE).content.decode()
    rows = _cells(html, "measure-table")
    assert rows["Riverton County Reentry Coalition"] == ["No measures yet"]


def test_the_network_page_links_to_the_dashboard(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    for user in (world.network_admin, world.coach):
        assert PAGE in signed_in(user).get("/n/pilot/").content.decode()


def _score_rows(html: str) -> list[list[str]]:
    from reentrykit.metrics.tests.test_dashboard import _table

    return _table(html, "score-table")[1:]


def test_a_network_without_sites_has_empty_pages_that_open(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.network.models import NetworkSite

    NetworkSite.objects.all().delete()
    client = signed_in(world.network_admin)
    assert "No sites yet" in client.get(PAGE).content.decode()
    for url in ("/n/pilot/report/", "/n/pilot/report.pdf", "/n/pilot/coaching/"):
        assert client.get(url).status_code == 200, url
    assert _csv(client, "measures") == []


def test_the_headline_rows_cached_apart_are_read_alone(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A snapshot's "headline" key is what network pages read, not its whole payload."""
    from reentrykit.metrics.selectors import headline_rows

    payload = dashboard_payload()
    payload["headline"] = headline_rows(payload["rates"], year=2023)
    payload["rates"] = []  # the pages would find nothing here
    payload["survival"] = None  # nor could they read this
    MetricSnapshot.objects.create(coalition=world.coalition, payload=payload)
    html = signed_in(world.network_admin).get(PAGE).content.decode()
    assert _cells(html, "measure-table")["Riverton County Reentry Coalition"][1].split()[0] == "45%"


def test_a_cross_site_export_in_an_unknown_format_is_refused(
    world: World, snapshots, signed_in
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coach)
    refused = client.get(f"{PAGE}export/?table=scores&format=pdf")
    assert refused.status_code == 400
    assert "'csv' or 'xlsx'" in refused.content.decode()
