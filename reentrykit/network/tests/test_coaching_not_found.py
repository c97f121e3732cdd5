"""A coach of another network who writes to the pilot's coaching gets 404, as when they
read it: a 403 would tell them the action item or request exists."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.accounts.services import user_create
from reentrykit.network.models import AssistanceRequest
from reentrykit.network.services import (
    action_item_add,
    coach_assign,
    coaching_session_record,
    network_add_site,
    network_create,
    network_role_grant,
)
from reentrykit.testing import World

COACHING = "/c/riverton/network/coaching/"


def _state_coach(world: World):  # type: ignore[no-untyped-def]
    """Riverton also joins a state network, whose coach has no role in the pilot."""
    state = network_create(slug="state", name="State Network")
    state_site = network_add_site(network=state, coalition=world.coalition)
    coach = user_create(email="coach@state.test", full_name="Sam State", validate=False)
    coach_assign(coach=network_role_grant(network=state, user=coach, role="coach"), site=state_site)
    return coach


def test_another_networks_coach_cannot_tell_a_pilot_item_exists(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    session = coaching_session_record(
        site=world.site, coach=world.coach, held_on=timezone.localdate()
    )
    item = action_item_add(
        session=session, description="Pilot item", owner="Jail", due_on=dt.date(2026, 12, 1)
    )
    client = signed_in(_state_coach(world))
    url = f"{COACHING}items/{item.pk}/"
    assert client.post(url, {"done": "yes"}).status_code == 404
    # The same answer as for an id that does not exist.
    assert client.post(f"{COACHING}items/{item.pk + 100}/", {"done": "yes"}).status_code == 404
    item.refresh_from_db()
    assert item.done_on is None
    # The coalition's own viewer reads the item, so is told plainly it may not mark it.
    assert signed_in(world.viewer).post(url, {"done": "yes"}).status_code == 403


def test_another_networks_coach_cannot_tell_a_pilot_request_exists(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    entry = AssistanceRequest.objects.create(site=world.site, topic="For the pilot's coaches")
    client = signed_in(_state_coach(world))
    url = f"{COACHING}requests/{entry.pk}/answer/"
    assert client.post(url, {"answer": "Not mine"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "open" and entry.answer == ""
    # The pilot's own coach still answers it.
    response = signed_in(world.coach).post(url, {"answer": "Call the sheriff"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "answered"
