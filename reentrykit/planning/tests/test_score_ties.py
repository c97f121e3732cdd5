"""Candidates whose means add up to the same total are tied, and ties go by title:
the group's order must not turn on how floating point rounds 4/3 + 4/3 and 1 + 5/3."""

from __future__ import annotations

from reentrykit.accounts.services import user_create
from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.services import membership_create
from reentrykit.planning.models import CandidateScore
from reentrykit.planning.selectors import open_candidates
from reentrykit.testing import PASSWORD, World


def test_equal_totals_are_a_tie_broken_by_title(world: World) -> None:
    alpha = CandidatePriority.objects.create(
        coalition=world.coalition, component_key="1.1", title="Alpha"
    )
    beta = CandidatePriority.objects.create(
        coalition=world.coalition, component_key="1.2", title="Beta"
    )
    # A third member: only members' and coordinators' scores count.
    third = user_create(
        email="member3@riverton.test", password=PASSWORD, full_name="Tia Third", validate=False
    )
    membership_create(coalition=world.coalition, user=third, role=Role.MEMBER, organization=None)
    scorers = (world.coordinator, world.member, third)
    # Alpha: impact 4/3, feasibility 4/3. Beta: impact 1, feasibility 5/3. Both 8/3.
    for scorer, (impact, feasibility) in zip(scorers, [(1, 1), (1, 1), (2, 2)], strict=True):
        CandidateScore.objects.create(
            candidate=alpha, scorer=scorer, impact=impact, feasibility=feasibility
        )
    for scorer, (impact, feasibility) in zip(scorers, [(1, 1), (1, 2), (1, 2)], strict=True):
        CandidateScore.objects.create(
            candidate=beta, scorer=scorer, impact=impact, feasibility=feasibility
        )
    entries = open_candidates(world.coalition)
    assert entries[0].total == entries[1].total
    assert [entry.candidate.title for entry in entries] == ["Alpha", "Beta"]
