"""Writes to the plan. Views check who may write; these keep the plan consistent."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from reentrykit.assessment.models import CandidatePriority
from reentrykit.coalitions.models import Coalition
from reentrykit.planning.models import CandidateRank, Priority


@transaction.atomic
def priority_adopt(*, candidate: CandidatePriority, user: Any) -> Priority:
    """The candidate as a priority of its coalition's plan (the same one when adopted
    before, or when the plan already has a priority of that title)."""
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
