"""[[coordinator_names]] names the coordinators who can act for the coalition: an
account that is deactivated coordinates nothing (it is not "another coordinator" when
the last one steps down, nor reminded), so a document does not send readers to it."""

from __future__ import annotations

from reentrykit.accounts.services import user_create
from reentrykit.coalitions.models import Role
from reentrykit.coalitions.services import membership_create
from reentrykit.library.merge import merged
from reentrykit.testing import World


def test_a_deactivated_coordinator_is_not_named(world: World) -> None:
    former = user_create(
        email="former@riverton.test", password="x", full_name="Frankie Former", validate=False
    )
    membership_create(coalition=world.coalition, user=former, role=Role.COORDINATOR)
    former.is_active = False
    former.save()
    text = merged("Contact [[coordinator_names]].", world.coalition)
    assert text == "Contact Casey Coordinator."


def test_with_no_active_coordinator_the_role_is_named(world: World) -> None:
    world.coordinator.is_active = False
    world.coordinator.save()
    text = merged("Contact [[coordinator_names]].", world.coalition)
    assert text == "Contact the coalition's coordinator."
