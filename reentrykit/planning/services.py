"""Writes to the plan. Views check who may write; these keep the plan consistent."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Coalition
from reentrykit.coalitions.services import coalition_hold
from reentrykit.planning.models import CandidateRank, Priority, SafetyObjective


@transaction.atomic
def priority_adopt(*, candidate: CandidatePriority, user: Any) -> Priority:
    """The candidate as a priority of its coalition's plan (the same one when adopted
    before, or when the plan already has a priority of that title)."""
    # A double click's second adoption finds the first's priority.
    coalition_hold(coalition_id=candidate.coalition_id)
    existing = Priority.objects.filter(coalition=candidate.coalition_id).filter(
        candidate=candidate
    ) | Priority.objects.filter(coalition=candidate.coalition_id, title__iexact=candidate.title)
    priority = existing.first()
    if priority is not None:
        return priority
    return Priority.objects.create(
        coalition_id=candidate.coalition_id,
        title=candidate.title,
        why=candidate.note,
        candidate=candidate,
        created_by=user,
    )


def priority_create(*, coalition: Coalition, user: Any, **fields: Any) -> Priority:
    return Priority.objects.create(coalition=coalition, created_by=user, **fields)


@transaction.atomic
def ranking_save(*, ranker: Any, places: dict[int, int | None]) -> None:
    """``ranker``'s places for these candidates (ids), replacing their earlier ones;
    None leaves a candidate out of their ranking."""
    for pk, place in places.items():
        if place is None:
            for rank in CandidateRank.objects.filter(ranker=ranker, candidate_id=pk):
                rank.delete()  # one by one, so the audit trail records it
        else:
            CandidateRank.objects.update_or_create(
                ranker=ranker, candidate_id=pk, defaults={"position": place}
            )


@transaction.atomic
def objective_delete(*, objective: SafetyObjective) -> None:
    """Removes the public safety objective, unless goals serve it: the crosswalk would
    lose their links without a word (as the indicators a goal is measured by are kept)."""
    goals = [f"“{goal.statement}”" for goal in objective.goals.order_by("pk")]
    if goals:
        listed = f"{', '.join(goals[:-1])} and {goals[-1]}" if len(goals) > 1 else goals[0]
        serve = f"{len(goals)} goals serve" if len(goals) > 1 else "1 goal serves"
        raise ValidationError(
            f"“{objective.objective}” is not removed: {serve} it ({listed}). "
            "Untick it on each goal's form first."
        )
    objective.delete()
