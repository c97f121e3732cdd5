"""The service directory and needs against capacity, worked by hand, suppressed by role."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Membership, Role
from reentrykit.core.access import as_viewer
from reentrykit.metrics.models import MetricSnapshot
from reentrykit.resources.estimates import needs_against_capacity
from reentrykit.resources.models import NeedAssumption, ReleaseVolume, Service
from reentrykit.testing import World

BASE = "/c/riverton/resources/"


def _share(key: str, numerator: int, denominator: int) -> dict[str, Any]:
    return {
        "key": key,
        "label": key.title(),
        "numerator": numerator,
        "denominator": denominator,
        "rate": numerator / denominator,
    }


def _snapshot(world: World) -> None:
    """200 people released in 2024; of 150 assessed, 60 with a housing need (40%) and 5
    with an employment need (a small count)."""
    MetricSnapshot.objects.create(
        coalition=world.coalition,
        data_through=dt.date(2025, 12, 31),
        payload={
            "latest_complete_year": 2024,
            "flow": [
                {
                    "key": "releases",
                    "label": "Releases",
                    "parent": "",
                    "unit": "releases",
                    "count": 260,
                },
                {
                    "key": "cohort",
                    "label": "People released",
                    "parent": "releases",
                    "unit": "people",
                    "count": 200,
                },
            ],
            "needs": [_share("housing", 60, 150), _share("employment", 5, 150)],
        },
    )


def _service(world: World, name: str, need: str, capacity: int | None) -> Service:
    return Service.objects.create(
        coalition=world.coalition, name=name, provider="P", need=need, capacity_per_year=capacity
    )


def _estimates(world: World) -> dict[str, Any]:
    return {row.key: row for row in needs_against_capacity(as_viewer(world.coalition)).rows}


def test_needs_are_set_against_capacity(world: World) -> None:
    _snapshot(world)
    _service(world, "Bridge housing", "housing", 30)
    _service(world, "Recovery residence", "housing", 20)
    # Neither of these takes the people most likely to return.
    Service.objects.filter(name="Recovery residence").update(target_risk="low")
    _service(world, "Shelter", "housing", 15)
    Service.objects.filter(name="Shelter").update(record_restrictions="No arson")
    _service(world, "Housing navigator", "housing", None)  # no capacity entered: not counted
    rows = _estimates(world)
    housing = rows["housing"]
    # 200 released x 40% = 80 with a housing need; 65 places at 3 services; 15 unserved;
    # only the 30 at Bridge housing are open to high risk without record restrictions.
    assert (housing.need, housing.capacity, housing.gap) == (80, 65, 15)
    assert housing.services_with_capacity == 3
    assert housing.open_to_high_risk == 30
    assert (housing.share.source, housing.people.source) == ("your data", "your data")
    # 5 of 150 is a small count: its share and every estimate on it are hidden.
    assert rows["employment"].share.hidden and rows["employment"].need is None
    # Education: no data, no figure of the coalition's own: no estimate.
    assert rows["education"].share.value is None and rows["education"].gap is None


def test_the_coalitions_own_figures_replace_its_data(world: World) -> None:
    _snapshot(world)
    ReleaseVolume.objects.create(coalition=world.coalition, per_year=300)
    NeedAssumption.objects.create(coalition=world.coalition, need="employment", percent=50)
    rows = _estimates(world)
    assert rows["housing"].need == 120  # 300 x 40%
    assert rows["employment"].need == 150  # 300 x 50%, no longer hidden
    assert rows["employment"].share.source == "your figure"


def test_the_page_shows_the_estimates_and_saves_figures(world: World, signed_in) -> None:
    _snapshot(world)
    _service(world, "Bridge housing", "housing", 30)
    _service(world, "Housing navigator", "housing", None)
    client = signed_in(world.member)
    page = html.unescape(client.get(f"{BASE}needs/").content.decode())
    table = page[page.index('id="needs-table"') :]
    housing = re.search(r"Housing</th>(.*?)</tr>", table, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", housing).split())
    assert words.startswith("40.0% your data 80 30 (1 service with a capacity) 30 50 unserved")
    assert "People released a year: 200 (your data)." in page
    response = client.post(f"{BASE}needs/", {"per_year": "100", "need_education": "12.5"})
    assert response.status_code == 302
    assert ReleaseVolume.objects.get().per_year == 100
    assert NeedAssumption.objects.get().percent == 12.5
    # An empty field goes back to the data's figure.
    client.post(f"{BASE}needs/", {"per_year": "", "need_education": ""})
    assert not ReleaseVolume.objects.exists() and not NeedAssumption.objects.exists()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"per_year": "-5"}, "Enter 0 or more."),
        ({"need_housing": "140"}, "Enter 100 or less."),
        ({"need_family": "many"}, "Enter a number."),
    ],
)
def test_bad_figures_are_refused_and_change_nothing(
    world: World, signed_in, fields: dict[str, str], problem: str
) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.member).post(f"{BASE}needs/", fields)
    assert response.status_code == 200
    assert problem in html.unescape(response.content.decode())
    assert not ReleaseVolume.objects.exists() and not NeedAssumption.objects.exists()


def test_a_gap_becomes_a_candidate_priority_once(world: World, signed_in) -> None:
    _snapshot(world)
    _service(world, "Bridge housing", "housing", 30)
    client = signed_in(world.member)
    client.post(f"{BASE}needs/housing/candidate/")
    client.post(f"{BASE}needs/housing/candidate/")
    candidate = CandidatePriority.objects.get()
    assert (candidate.source, candidate.component_key, candidate.coalition) == (
        "resources",
        "housing",
        world.coalition,
    )
    assert candidate.title == "Close the gap in housing services"
    assert candidate.note == (
        "About 80 people a year leave custody with a housing need; "
        "the directory's services can serve 30."
    )
    assert "Close the gap in housing services" in client.get("/c/riverton/plan/").content.decode()
    # No gap (employment's estimate is hidden): nothing to make a candidate of.
    assert client.post(f"{BASE}needs/employment/candidate/").status_code == 404


def test_a_gap_added_by_a_data_steward_says_only_what_viewers_may_read(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    """The candidate's note is read by the whole coalition and goes into the plan: a
    coordinator who is also the data steward sees the employment estimate (7 people a
    year, from a count of 5), but the note they add must not carry it."""
    _snapshot(world)
    Membership.objects.create(
        user=world.coordinator, coalition=world.coalition, role=Role.DATA_STEWARD
    )
    steward = signed_in(world.coordinator)
    assert steward.post(f"{BASE}needs/employment/candidate/").status_code == 302
    assert CandidatePriority.objects.get().note == (
        "People leave custody with an employment need (hidden here to protect small counts); "
        "the directory's services can serve 0."
    )
    plan = signed_in(world.viewer).get("/c/riverton/plan/").content.decode()
    assert "Close the gap in employment services" in plan
    assert not re.search(r"\b7 people", plan)


def test_a_member_lists_services_and_readers_only_read(world: World, signed_in) -> None:
    member = signed_in(world.member)
    response = member.post(
        f"{BASE}services/new/",
        {
            "name": "Bridge housing",
            "provider": "Second Chance Works",
            "need": "housing",
            "setting": "community",
            "capacity_per_year": "30",
            "target_risk": "high",
            "evidence": "promising",
            "record_restrictions": "No arson convictions",
        },
    )
    service = Service.objects.get()
    assert response["Location"] == f"{BASE}#service-{service.pk}"
    words = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", member.get(BASE).content.decode())).split()
    )
    assert "Bridge housing Second Chance Works In the community 30" in words
    assert "Meant for high risk Record restrictions: No arson convictions Promising" in words
    _service(world, "Scared straight tour", "family", 10)
    Service.objects.filter(name="Scared straight tour").update(evidence="ineffective")
    words = " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", member.get(BASE).content.decode())).split()
    )
    assert "Ineffective Review" in words  # flagged for the coalition to reconsider
    response = member.post(f"{BASE}services/new/", {"name": "", "need": "jobs"})
    assert set(response.context["form"].errors) >= {"name", "provider", "need"}
    viewer = signed_in(world.viewer)
    assert "Bridge housing" in viewer.get(BASE).content.decode()
    assert viewer.post(f"{BASE}services/{service.pk}/", {"delete": "yes"}).status_code == 403
    assert viewer.post(f"{BASE}needs/", {"per_year": "5"}).status_code == 403
    outsider = signed_in(world.outsider)
    assert outsider.get(f"/c/elsewhere/resources/services/{service.pk}/").status_code == 404
    assert "Bridge housing" not in outsider.get("/c/elsewhere/resources/").content.decode()
    assert Service.objects.count() == 2 and not ReleaseVolume.objects.exists()


def test_a_data_steward_sees_the_hidden_share_marked_confidential(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _snapshot(world)
    steward = html.unescape(signed_in(world.steward).get(f"{BASE}needs/").content.decode())
    assert "Confidential:" in steward and "3.3%" in steward  # 5 of 150
    member = html.unescape(signed_in(world.member).get(f"{BASE}needs/").content.decode())
    assert "Confidential:" not in member and "3.3%" not in member
    assert "hidden to protect small counts" in member


def test_under_used_and_ineffective_services_are_listed_for_review(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    clinic = _service(world, "Clinic", "mental_health", 40)
    jobs = _service(world, "Jobs crew", "employment", 60)
    tour = _service(world, "Scared straight tour", "family", 10)
    _service(world, "New program", "housing", 20)  # has not reported: not judged
    # 19 of 40 is under half the places; 30 of 60 is half exactly, not under.
    Service.objects.filter(pk=clinic.pk).update(served_last_year=19)
    Service.objects.filter(pk=jobs.pk).update(served_last_year=30)
    Service.objects.filter(pk=tour.pk).update(evidence="ineffective", served_last_year=10)
    boot_camp = _service(world, "Boot camp", "family", 10)
    Service.objects.filter(pk=boot_camp.pk).update(evidence="negative")
    client = signed_in(world.member)
    page = html.unescape(client.get(f"{BASE}needs/").content.decode())
    review = page[page.index('id="review"') :]
    review = " ".join(re.sub(r"<[^>]+>", " ", review[: review.index("</ul>")]).split())
    assert "Clinic (mental health, P): served 19 of 40 places last year." in review
    assert "Scared straight tour (family, P): rated ineffective." in review
    assert "Boot camp (family, P): rated negative effects." in review
    assert "Jobs crew" not in review and "New program" not in review
    directory = " ".join(re.sub(r"<[^>]+>", " ", client.get(BASE).content.decode()).split())
    assert "40 served 19 last year Under-used" in directory
    assert "60 served 30 last year Under-used" not in directory


def test_needs_without_figures_say_how_to_get_them(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member).get(f"{BASE}needs/").content.decode()
    assert "People released a year: not known yet, so the estimates stay empty." in member
    assert 'under <a href="#your-figures">Your figures</a> below' in member
    assert 'id="your-figures"' in member
    viewer = signed_in(world.viewer).get(f"{BASE}needs/").content.decode()
    assert "Members and coordinators can enter it" in viewer and "#your-figures" not in viewer
