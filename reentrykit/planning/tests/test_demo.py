"""The demo seed's plans (and the indicators that measure them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reentrykit.assessment.demo import seed_assessment
from reentrykit.core.audit import audit_actor
from reentrykit.core.demo import DemoWorld, seed_foundation
from reentrykit.metrics.demo import seed_indicators
from reentrykit.metrics.models import Indicator
from reentrykit.planning.demo import seed_plans
from reentrykit.planning.models import ActionStep, Goal, PlanShare, Priority
from reentrykit.planning.selectors import progress_of


def _seed() -> None:
    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_assessment(world)
        seed_indicators(world)
        seed_plans(world)


@pytest.mark.django_db
def test_each_demo_coalition_gets_a_measured_plan_once() -> None:
    _seed()
    _seed()
    assert Indicator.objects.count() == 5
    assert Priority.objects.count() == 5
    today = timezone.localdate()
    for priority in Priority.objects.select_related("candidate", "coalition"):
        # The plan starts from the coalition's own first candidate priority.
        assert priority.candidate.coalition == priority.coalition
        assert priority.title == priority.candidate.title
        # Every candidate was scored by three people of its coalition.
        for candidate in priority.coalition.candidate_priorities.all():
            scorers = {score.scorer for score in candidate.scores.all()}
            assert len(scorers) == 3
            assert all(user.memberships.filter(coalition=priority.coalition) for user in scorers)
        goal = Goal.objects.get(priority=priority)
        [indicator] = goal.indicators.all()
        assert indicator.coalition == priority.coalition
        assert indicator.targets.count() == 2
        assert [u.rating for u in goal.updates.all()] == ["at_risk", "on_track"]  # newest first
        stakeholders = priority.coalition.stakeholders.all()
        assert len(stakeholders) == 4
        assert PlanShare.objects.filter(stakeholder__in=stakeholders).count() == 3
        [objective] = goal.objectives.all()
        assert objective.coalition == priority.coalition
        [improvement] = goal.improvements.all()
        assert improvement.indicator == indicator
        progress = progress_of(priority.coalition, today=today)
        assert (progress.steps, progress.done, progress.overdue) == (3, 1, 1)
        [role] = priority.coalition.agency_roles.all()
        assert list(role.goals.all()) == [goal]
        [check] = priority.coalition.quality_checks.all()
        assert check.is_due(today)  # last done four months ago, every three months
    assert ActionStep.objects.filter(due_on__lt=today - dt.timedelta(days=1)).count() == 10
