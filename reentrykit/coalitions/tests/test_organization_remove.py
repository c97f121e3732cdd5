"""A partner organization the plan counts on is not removed from under it: its action
steps would lose their only owner and its role in the plan would vanish, with nothing
said. The coordinator is told what to move first; an organization the plan does not
name is removed as before."""

from __future__ import annotations

import datetime as dt
import html

from reentrykit.coalitions.models import PartnerOrganization
from reentrykit.planning.models import ActionStep, AgencyRole, Goal, Priority
from reentrykit.testing import World


def test_an_organization_that_owns_plan_work_is_not_removed(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    priority = Priority.objects.create(coalition=world.coalition, title="Jobs")
    goal = Goal.objects.create(priority=priority, statement="Jobs within 90 days")
    step = ActionStep.objects.create(
        goal=goal,
        description="Open a job club",
        owner_organization=world.provider,
        due_on=dt.date(2027, 3, 1),
    )
    AgencyRole.objects.create(
        coalition=world.coalition, organization=world.provider, role="Runs the job club"
    )
    client = signed_in(world.coordinator)
    response = client.post(f"/c/riverton/organizations/{world.provider.pk}/delete/", follow=True)
    page = html.unescape(response.content.decode())
    assert "Second Chance Works is not removed" in page
    assert "1 action step and 1 agency role in the plan" in page
    assert PartnerOrganization.objects.filter(pk=world.provider.pk).exists()
    step.refresh_from_db()
    assert step.owner_organization == world.provider
    assert AgencyRole.objects.filter(organization=world.provider).exists()


def test_an_organization_the_plan_does_not_name_is_removed(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(world.coordinator).post(f"/c/riverton/organizations/{world.provider.pk}/delete/")
    assert not PartnerOrganization.objects.filter(pk=world.provider.pk).exists()
