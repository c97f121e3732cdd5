"""A coordinator may not make themself a data steward; one whom another coordinator
made a steward can still change the organization on that role, which grants nothing."""

from __future__ import annotations

from reentrykit.coalitions.models import Membership, Role
from reentrykit.coalitions.services import membership_create
from reentrykit.testing import World


def test_a_coordinator_steward_changes_the_organization_of_their_steward_role(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    stewardship = membership_create(
        coalition=world.coalition, user=world.coordinator, role=Role.DATA_STEWARD
    )
    client = signed_in(world.coordinator)
    response = client.post(
        f"/c/riverton/members/{stewardship.pk}/",
        {"role": "data_steward", "organization": world.provider.pk},
    )
    assert response.status_code == 302
    stewardship.refresh_from_db()
    assert stewardship.organization == world.provider


def test_a_coordinator_still_cannot_make_another_role_of_theirs_a_stewardship(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    own = membership_create(coalition=world.coalition, user=world.coordinator, role=Role.MEMBER)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{own.pk}/", {"role": "data_steward", "organization": ""}
    )
    assert response.status_code == 200
    assert "You cannot make yourself a data steward" in response.content.decode()
    own.refresh_from_db()
    assert own.role == Role.MEMBER
    assert not Membership.objects.filter(user=world.coordinator, role=Role.DATA_STEWARD).exists()
