"""Choosing priorities by ranking: each member orders the candidates, the group's
order adds up Borda points, worked out by hand."""

from __future__ import annotations

import html
import re

import pytest

from reentrykit.accounts.services import user_create
from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.services import membership_create
from reentrykit.planning.models import CandidateRank
from reentrykit.planning.tests.test_group_decision import candidate_rows
from reentrykit.testing import PASSWORD, World

PLAN = "/c/riverton/plan/"
RANK = f"{PLAN}candidates/rank/"


@pytest.fixture
def candidates(world: World) -> list[CandidatePriority]:
    world.coalition.priority_method = "rank"
    world.coalition.save()
    return [
        CandidatePriority.objects.create(coalition=world.coalition, component_key=key, title=title)
        for key, title in (("2.3", "Assess everyone"), ("3.1", "Housing"), ("3.2", "Jobs"))
    ]


def _rank(client, candidates, *places: str):  # type: ignore[no-untyped-def]
    """Posts places for the candidates in order ("" leaves one out)."""
    return client.post(
        RANK, {f"candidate-{c.pk}": place for c, place in zip(candidates, places, strict=True)}
    )


def _order(page: str) -> list[list[str]]:
    """The candidate table's rows: title, points, ranked by, the reader's place."""
    return candidate_rows(page)


def test_the_group_order_adds_up_borda_points(world: World, signed_in, candidates) -> None:  # type: ignore[no-untyped-def]
    assess, housing, jobs = candidates
    # The member: Assess 1st, Housing 2nd, Jobs 3rd -> 3, 2, 1 points.
    assert _rank(signed_in(world.member), candidates, "1", "2", "3").status_code == 302
    # The coordinator: Jobs 1st, Housing 2nd, leaves Assess out -> Jobs 3, Housing 2.
    coordinator = signed_in(world.coordinator)
    response = _rank(coordinator, candidates, "", "2", "1")
    assert response["Location"] == f"{PLAN}#candidates"
    page = coordinator.get(PLAN).content.decode()
    # Housing 4, Jobs 4, Assess 3; ties by title. The coordinator's places are 1st for
    # Jobs and 2nd for Housing.
    assert _order(page) == [
        ["Housing", "4", "2", "2"],
        ["Jobs", "4", "2", "1"],
        ["Assess everyone", "3", "1", "—"],
    ]
    # Ranking again replaces the reader's places; leaving one out removes its place.
    _rank(coordinator, candidates, "1", "", "")
    assert CandidateRank.objects.filter(ranker=world.coordinator).count() == 1
    assert [row[:2] for row in _order(coordinator.get(PLAN).content.decode())] == [
        ["Assess everyone", "6"],
        ["Housing", "2"],
        ["Jobs", "1"],
    ]
    # The form shows the reader's places as they stand.
    form = coordinator.get(RANK).content.decode()
    assert re.search(rf'name="candidate-{assess.pk}".*?<option value="1" selected>', form, re.S)


def test_a_candidate_made_a_priority_leaves_the_count(world: World, signed_in, candidates) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    _rank(member, candidates, "1", "2", "3")
    member.post(f"{PLAN}priorities/adopt/", {"candidate": candidates[0].pk})
    # Two open candidates now: the member's Housing is 1st of two (2 points).
    assert _order(member.get(PLAN).content.decode()) == [
        ["Housing", "2", "1", "1"],
        ["Jobs", "1", "1", "2"],
    ]


def test_a_ranking_of_a_candidate_closed_meanwhile_saves_nothing(
    world: World, signed_in, candidates
) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    _rank(member, candidates, "3", "2", "1")
    # Adopted in another tab after this member's page was drawn with all three.
    signed_in(world.coordinator).post(f"{PLAN}priorities/adopt/", {"candidate": candidates[2].pk})
    response = _rank(member, candidates, "2", "1", "3")
    assert response.status_code == 200
    assert "A candidate you placed is no longer open" in html.unescape(response.content.decode())
    ranks = CandidateRank.objects.filter(candidate__in=candidates[:2]).order_by("candidate_id")
    assert list(ranks.values_list("position", flat=True)) == [3, 2]


@pytest.mark.parametrize(
    ("places", "problem"),
    [
        # The form lists the group's order (Jobs, Housing, Assess after the first ranking).
        (("1", "1", "2"), "1st is given to “Housing” too; give “Assess everyone” another place."),
        (("", "", ""), "Give at least one candidate a place."),
        (("4", "", ""), "Select a valid choice."),
        (("first", "", ""), "Select a valid choice."),
        # A gap: points go by the order of the places, so Jobs would earn a 2nd's.
        (
            ("1", "", "3"),
            "No candidate is 2nd: places follow on from 1st with no gaps; give “Jobs” 2nd "
            "or rank another candidate 2nd.",
        ),
        (("", "3", "2"), "No candidate is 1st"),
    ],
)
def test_a_bad_ranking_is_refused_and_changes_nothing(
    world: World, signed_in, candidates, places: tuple[str, ...], problem: str
) -> None:  # type: ignore[no-untyped-def]
    member = signed_in(world.member)
    _rank(member, candidates, "3", "2", "1")
    response = _rank(member, candidates, *places)
    assert response.status_code == 200
    assert problem in html.unescape(response.content.decode())
    assert sorted(CandidateRank.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_readers_and_outsiders_cannot_rank(world: World, signed_in, candidates) -> None:  # type: ignore[no-untyped-def]
    viewer = signed_in(world.viewer)
    assert viewer.get(RANK).status_code == 403
    assert _rank(viewer, candidates, "1", "2", "3").status_code == 403
    assert "Rank the candidates" not in viewer.get(PLAN).content.decode()
    outsider = signed_in(world.outsider)
    # Another coalition's page ranks only its own candidates: these are not fields there.
    outsider.post("/c/elsewhere/plan/candidates/rank/", {f"candidate-{candidates[0].pk}": "1"})
    assert outsider.get(RANK).status_code == 404
    assert not CandidateRank.objects.exists()


def test_a_coordinator_switches_the_group_to_ranking(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    CandidatePriority.objects.create(coalition=world.coalition, component_key="2.3", title="A")
    coordinator = signed_in(world.coordinator)
    assert "Your scores" in coordinator.get(PLAN).content.decode()
    settings = coordinator.get("/c/riverton/settings/")
    assert "Each member ranks the candidates in order" in settings.content.decode()
    fields = {
        name: settings.context["form"][name].value() for name in settings.context["form"].fields
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    fields["priority_method"] = "rank"
    assert coordinator.post("/c/riverton/settings/", fields).status_code == 302
    world.coalition.refresh_from_db()
    assert world.coalition.priority_method == "rank"
    page = coordinator.get(PLAN).content.decode()
    assert "Rank the candidates" in page and "Your scores" not in page


def test_only_the_rankings_of_members_and_coordinators_now_count(
    world: World, signed_in, candidates
) -> None:  # type: ignore[no-untyped-def]
    second = user_create(
        email="member2@riverton.test", password=PASSWORD, full_name="Max Member", validate=False
    )
    membership = membership_create(
        coalition=world.coalition, user=second, role=Role.MEMBER, organization=None
    )
    _rank(signed_in(world.member), candidates, "1", "3", "2")
    _rank(signed_in(second), candidates, "3", "2", "1")
    coordinator = signed_in(world.coordinator)
    _rank(coordinator, candidates, "1", "2", "3")
    # Assess 3+3+1, Housing 2+1+2, Jobs 1+2+3; ranked by 3 each.
    assert [row[:3] for row in _order(coordinator.get(PLAN).content.decode())] == [
        ["Assess everyone", "7", "3"],
        ["Jobs", "6", "3"],
        ["Housing", "5", "3"],
    ]
    # Made a viewer, the second member may no longer rank, so their ranking stops counting.
    edit = f"/c/riverton/members/{membership.pk}/"
    assert coordinator.post(edit, {"role": "viewer"}).status_code == 302
    ranked_by_two = [["Assess everyone", "6", "2"], ["Housing", "3", "2"], ["Jobs", "3", "2"]]
    assert [row[:3] for row in _order(coordinator.get(PLAN).content.decode())] == ranked_by_two
    # It is kept, and counts again when they are a member again.
    assert CandidateRank.objects.filter(ranker=second).count() == 3
    coordinator.post(edit, {"role": "member"})
    assert _order(coordinator.get(PLAN).content.decode())[0][:3] == ["Assess everyone", "7", "3"]
    # Removed from the coalition, they no longer count either.
    coordinator.post(f"{edit}remove/")
    assert [row[:3] for row in _order(coordinator.get(PLAN).content.decode())] == ranked_by_two
