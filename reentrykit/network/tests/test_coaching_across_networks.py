"""Coaching across two networks, and two people acting on the same request or item."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reentrykit.accounts.services import user_create
from reentrykit.network.models import AssistanceRequest, NetworkSite
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


def _state_network(world: World) -> tuple[NetworkSite, object]:
    """Riverton also joins a state network, whose coach has no role in the pilot."""
    state = network_create(slug="state", name="State Network")
    state_site = network_add_site(network=state, coalition=world.coalition)
    # A coach in the state network only.
    state_coach = user_create(email="coach@state.test", full_name="Sam State", validate=False)
    coach_assign(
        coach=network_role_grant(network=state, user=state_coach, role="coach"), site=state_site
    )
    return state_site, state_coach


def test_a_coach_of_another_network_does_not_read_the_pilots_coaching(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    state_site, state_coach = _state_network(world)
    pilot = coaching_session_record(
        site=world.site,
        coach=world.coach,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        topics="Pilot-only topic",
        barriers="The sheriff will not share bookings",
    )
    action_item_add(
        session=pilot,
        description="Pilot-only item",
        owner="Jail",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    AssistanceRequest.objects.create(site=world.site, topic="Pilot-only request")
    state = coaching_session_record(
        site=state_site,
        coach=state_coach,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        topics="State topic",
    )
    client = signed_in(state_coach)
    page = client.get(COACHING).content.decode()
    assert "State topic" in page
    assert "Pilot-only" not in page
    assert client.get(f"{COACHING}{pilot.pk}/").status_code == 404
    assert client.get(f"{COACHING}{state.pk}/").status_code == 200
    # The networks page names only the network the coach works in.
    assert "Pilot Network" not in client.get("/c/riverton/network/").content.decode()
    # The coalition's own people read both networks' coaching, as before.
    page = signed_in(world.viewer).get(COACHING).content.decode()
    assert "Pilot-only topic" in page and "State topic" in page
    assert signed_in(world.viewer).get(f"{COACHING}{pilot.pk}/").status_code == 200
    # The pilot's coach reads the pilot's coaching, not the state network's.
    page = signed_in(world.coach).get(COACHING).content.decode()
    assert "Pilot-only topic" in page and "State topic" not in page


def test_a_coach_who_is_also_a_member_reads_every_network(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    state_site, state_coach = _state_network(world)
    coaching_session_record(
        site=state_site, coach=state_coach, held_on=timezone.localdate(), topics="State"
    )
    from reentrykit.coalitions.models import Role
    from reentrykit.coalitions.services import membership_create

    membership_create(coalition=world.coalition, user=world.coach, role=Role.VIEWER)
    assert ">State<" in signed_in(world.coach).get(COACHING).content.decode()


def test_a_second_coach_does_not_overwrite_an_answer(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """Two coaches of the site open the request; the first answer sent stays."""
    second = network_role_grant(network=world.network, user=world.outsider, role="coach")
    coach_assign(coach=second, site=world.site)
    entry = AssistanceRequest.objects.create(site=world.site, topic="Cost per bed-day")
    url = f"{COACHING}requests/{entry.pk}/answer/"
    signed_in(world.coach).post(url, {"answer": "The jail's budget office publishes it."})
    response = signed_in(world.outsider).post(url, {"answer": "Ask the sheriff."}, follow=True)
    entry.refresh_from_db()
    assert (entry.answer, entry.answered_by) == (
        "The jail's budget office publishes it.",
        world.coach,
    )
    page = response.content.decode()
    assert "already answered" in page and "Cory Coach" in page


def test_marking_a_done_item_done_again_keeps_the_day_it_was_done(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    """A coach's page opened before the member marked the item done still offers "Mark
    done"; pressing it must not move the day the item was done."""
    from reentrykit.network.services import action_item_mark

    session = coaching_session_record(
        site=world.site, coach=world.coach, held_on=timezone.localdate() - dt.timedelta(days=30)
    )
    item = action_item_add(
        session=session,
        description="Invite the public defender",
        owner="Coordinator",
        due_on=timezone.localdate(),
    )
    done_on = timezone.localdate() - dt.timedelta(days=9)
    action_item_mark(item=item, done=True, today=done_on)
    signed_in(world.coach).post(f"{COACHING}items/{item.pk}/", {"done": "yes"})
    item.refresh_from_db()
    assert item.done_on == done_on


# A coach of another network who writes to the pilot's coaching gets 404, as when they
# read it: a 403 would tell them the action item or request exists.
def test_another_networks_coach_cannot_tell_a_pilot_item_exists(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    session = coaching_session_record(
        site=world.site, coach=world.coach, held_on=timezone.localdate()
    )
    item = action_item_add(
        session=session, description="Pilot item", owner="Jail", due_on=dt.date(2026, 12, 1)
    )
    client = signed_in(_state_network(world)[1])
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
    client = signed_in(_state_network(world)[1])
    url = f"{COACHING}requests/{entry.pk}/answer/"
    assert client.post(url, {"answer": "Not mine"}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == "open" and entry.answer == ""
    # The pilot's own coach still answers it.
    response = signed_in(world.coach).post(url, {"answer": "Call the sheriff"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "answered"
