"""Changing and removing roles on the Members page: what the coordinator sees after
changing their own role, and a change to a role the person already holds."""

from __future__ import annotations

import html

import lxml.html

from reentrykit.coalitions.models import Membership, Role
from reentrykit.coalitions.services import membership_create
from reentrykit.testing import World


def _own_coordinator_role(world: World) -> Membership:
    return Membership.objects.get(user=world.coordinator, role=Role.COORDINATOR)


def test_a_coordinator_who_steps_down_lands_on_a_page_they_can_read(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    membership_create(coalition=world.coalition, user=world.member, role=Role.COORDINATOR)
    own = _own_coordinator_role(world)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{own.pk}/", {"role": "member"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/c/riverton/"
    assert "Updated Casey Coordinator." in html.unescape(response.content.decode())
    own.refresh_from_db()
    assert own.role == Role.MEMBER


def test_a_coordinator_who_leaves_the_coalition_lands_on_a_page_they_can_read(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    membership_create(coalition=world.coalition, user=world.member, role=Role.COORDINATOR)
    own = _own_coordinator_role(world)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{own.pk}/remove/", follow=True
    )
    assert response.status_code == 200
    assert not response.redirect_chain[-1][0].startswith("/c/riverton/")
    assert "Removed Casey Coordinator (Coordinator)." in html.unescape(response.content.decode())
    assert not Membership.objects.filter(pk=own.pk).exists()


def test_a_coordinator_who_keeps_another_role_lands_on_the_coalition(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    membership_create(coalition=world.coalition, user=world.member, role=Role.COORDINATOR)
    membership_create(coalition=world.coalition, user=world.coordinator, role=Role.VIEWER)
    own = _own_coordinator_role(world)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{own.pk}/remove/", follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/c/riverton/"


def test_removing_someone_else_still_returns_to_the_members_page(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{world.member_membership.pk}/remove/"
    )
    assert response["Location"] == "/c/riverton/members/"


def test_a_change_to_a_role_already_held_is_refused_on_the_role_field(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    membership_create(coalition=world.coalition, user=world.member, role=Role.VIEWER)
    response = signed_in(world.coordinator).post(
        f"/c/riverton/members/{world.member_membership.pk}/",
        {"role": "viewer", "organization": world.provider.pk},
    )
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    message = doc.get_element_by_id("id_role_error").text_content()
    assert "Morgan Member is already a viewer in this coalition" in message
    assert "Membership with this" not in response.content.decode()
    world.member_membership.refresh_from_db()
    assert world.member_membership.role == Role.MEMBER
    assert Membership.objects.filter(user=world.member, coalition=world.coalition).count() == 2
