"""Choosing priorities together: each member scores the candidates, the plan ranks them."""

from __future__ import annotations

import html
import re

from reentrykit.assessment.models import CandidatePriority
from reentrykit.planning.models import CandidateScore, Priority
from reentrykit.testing import World

PLAN = "/c/riverton/plan/"


def _candidate(world: World, title: str, key: str) -> CandidatePriority:
    return CandidatePriority.objects.create(
        coalition=world.coalition, component_key=key, title=title
    )


def _score(client, candidate: CandidatePriority, impact: str, feasibility: str):  # type: ignore[no-untyped-def]
    prefix = f"candidate-{candidate.pk}"
    return client.post(
        f"{PLAN}candidates/{candidate.pk}/score/",
        {f"{prefix}-impact": impact, f"{prefix}-feasibility": feasibility},
    )


def candidate_rows(page: str) -> list[list[str]]:
    """The candidate table's rows: the title, then the numbers in its cells."""
    table = page[page.index('id="candidate-table"') :]
    table = table[: table.index("</table>")]
    rows = []
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
        title = re.sub(r"<.*", "", row, flags=re.S).strip()
        cells = re.findall(r'<td class="text-right">(.*?)</td>', row, re.S)
        rows.append([html.unescape(title), *cells])
    return rows


def _ranking(page: str) -> list[list[str]]:
    """The scores table's rows: title, mean impact, mean feasibility, scored by."""
    return [row[:4] for row in candidate_rows(page)]


def test_the_group_ranks_candidates_by_mean_impact_and_feasibility(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    jobs = _candidate(world, "Jobs", "3.1")
    housing = _candidate(world, "Housing", "3.2")
    data = _candidate(world, "Data sharing", "1.2")
    member = signed_in(world.member)
    assert _score(member, jobs, "3", "4")["Location"] == f"{PLAN}#candidates"
    _score(member, housing, "5", "2")
    coordinator = signed_in(world.coordinator)
    _score(coordinator, jobs, "4", "4")
    _score(coordinator, housing, "5", "4")
    # Jobs: impact (3+4)/2 = 3.5, feasibility 4.0, total 7.5. Housing: 5.0 and 3.0,
    # total 8.0. Data sharing: nobody scored it, last.
    assert _ranking(coordinator.get(PLAN).content.decode()) == [
        ["Housing", "5.0", "3.0", "2"],
        ["Jobs", "3.5", "4.0", "2"],
        ["Data sharing", "—", "—", "0"],
    ]
    # Scoring again changes one's own scores, not the count.
    _score(coordinator, housing, "1", "1")
    assert CandidateScore.objects.filter(candidate=housing).count() == 2
    assert _ranking(coordinator.get(PLAN).content.decode())[0] == ["Jobs", "3.5", "4.0", "2"]
    page = coordinator.get(PLAN).content.decode()
    # The coordinator's own scores of jobs are selected in its form.
    form = page[page.index(f'id="id_candidate-{jobs.pk}-impact"') :]
    assert '<option value="4" selected>' in form[: form.index("</select>")]
    assert data.scores.count() == 0


def test_a_score_outside_1_to_5_is_refused_and_changes_nothing(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    jobs = _candidate(world, "Jobs", "3.1")
    client = signed_in(world.member)
    _score(client, jobs, "3", "3")
    assert _score(client, jobs, "9", "3").status_code == 302
    page = html.unescape(client.get(PLAN).content.decode())
    assert "Your scores of “Jobs” were not saved: score impact and feasibility from 1" in page
    assert CandidateScore.objects.get().impact == 3


def test_readers_and_outsiders_cannot_score(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    jobs = _candidate(world, "Jobs", "3.1")
    viewer = signed_in(world.viewer)
    page = viewer.get(PLAN).content.decode()
    assert "Jobs" in page and "Your scores" not in page
    assert _score(viewer, jobs, "3", "3").status_code == 403
    outsider = signed_in(world.outsider)
    response = outsider.post(
        f"/c/elsewhere/plan/candidates/{jobs.pk}/score/",
        {f"candidate-{jobs.pk}-impact": "5", f"candidate-{jobs.pk}-feasibility": "5"},
    )
    assert response.status_code == 404
    assert not CandidateScore.objects.exists()


def test_a_priority_records_who_took_part_and_external_factors(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.planning.tests.test_plan import _word_text

    client = signed_in(world.member)
    client.post(
        f"{PLAN}priorities/new/",
        {
            "title": "Housing",
            "why": "Half of people leave the jail with nowhere to stay.",
            "affected_took_part": "on",
            "external_factors": "A housing bond is on the ballot in November.",
        },
    )
    priority = Priority.objects.get()
    assert priority.affected_took_part
    page = html.unescape(client.get(PLAN).content.decode())
    assert "People directly affected took part in choosing it." in page
    assert "External factors: A housing bond is on the ballot in November." in re.sub(
        r"<[^>]+>", "", page
    )
    word = _word_text(client.get(f"{PLAN}download/?format=docx").content)
    assert "People directly affected took part in choosing it." in word
    assert "External factors: A housing bond is on the ballot in November." in word


def test_only_the_scores_of_members_and_coordinators_now_count(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    jobs = _candidate(world, "Jobs", "3.1")
    housing = _candidate(world, "Housing", "3.2")
    member = signed_in(world.member)
    _score(member, jobs, "2", "2")
    _score(member, housing, "5", "5")
    coordinator = signed_in(world.coordinator)
    _score(coordinator, jobs, "4", "4")
    _score(coordinator, housing, "3", "3")
    # Jobs (4+2)/2 = 3.0 twice, total 6; Housing 4.0 twice, total 8.
    assert _ranking(coordinator.get(PLAN).content.decode()) == [
        ["Housing", "4.0", "4.0", "2"],
        ["Jobs", "3.0", "3.0", "2"],
    ]
    # Made a viewer, the member may no longer score: only the coordinator's scores count.
    edit = f"/c/riverton/members/{world.member_membership.pk}/"
    assert coordinator.post(edit, {"role": "viewer"}).status_code == 302
    assert _ranking(coordinator.get(PLAN).content.decode()) == [
        ["Jobs", "4.0", "4.0", "1"],
        ["Housing", "3.0", "3.0", "1"],
    ]
    # The scores are kept, and count again when they are a member again.
    assert CandidateScore.objects.filter(scorer=world.member).count() == 2
    coordinator.post(edit, {"role": "member"})
    assert _ranking(coordinator.get(PLAN).content.decode())[0] == ["Housing", "4.0", "4.0", "2"]
    # Removed from the coalition, they no longer count either.
    coordinator.post(f"{edit}remove/")
    assert _ranking(coordinator.get(PLAN).content.decode())[0] == ["Jobs", "4.0", "4.0", "1"]
