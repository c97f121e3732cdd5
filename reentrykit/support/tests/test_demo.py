"""The demo seed's community support."""

from __future__ import annotations

import pytest

from reentrykit.assessment.demo import seed_assessment
from reentrykit.core.audit import audit_actor
from reentrykit.core.demo import DemoWorld, seed_foundation
from reentrykit.metrics.demo import seed_indicators
from reentrykit.planning.demo import seed_plans
from reentrykit.support.demo import DEMO_TACTICS, seed_support
from reentrykit.support.models import Influencer, Message, Tactic


@pytest.mark.django_db
def test_each_demo_coalition_gets_its_support_once() -> None:
    world = DemoWorld()
    with audit_actor(None, "seed"):
        seed_foundation(world)
        seed_assessment(world)
        seed_indicators(world)
        seed_plans(world)
        seed_support(world)
        seed_support(world)
    assert Tactic.objects.count() == 5 * len(DEMO_TACTICS)
    assert Message.objects.count() == 5
    for influencer in Influencer.objects.select_related("reaches"):
        # Reaches a decision maker of its own coalition's plan.
        assert influencer.reaches.coalition_id == influencer.coalition_id
