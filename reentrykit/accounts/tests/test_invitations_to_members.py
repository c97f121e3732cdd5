"""An invitation adds a person to a coalition once: someone already in it is not
invited again, and an invitation they hold cannot make them a member twice."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from reentrykit.accounts.models import Invitation
from reentrykit.accounts.services import invitation_accept, invitation_token_hash
from reentrykit.coalitions.models import Membership
from reentrykit.testing import World


def _invitation(world: World, email: str, role: str, token: str) -> Invitation:
    """An invitation as one sent before its address belonged to a member."""
    return Invitation.objects.create(
        coalition=world.coalition,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=world.coordinator,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )


def test_it_refuses_to_invite_a_member_and_says_their_role_and_where_to_change_it(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    sent = Invitation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/invitations/", {"email": "Steward@Riverton.test", "role": "member"}
        )
    assert response.status_code == 200
    error = lxml.html.fromstring(response.content).get_element_by_id("id_email_error")
    said = " ".join(error.text_content().split())
    assert "steward@riverton.test is already a member of this coalition" in said
    assert "with the role Data steward" in said
    assert "Members page" in said
    assert Invitation.objects.count() == sent and not mail.outbox


def test_it_names_every_role_a_member_holds(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from reentrykit.coalitions.services import membership_create

    membership_create(coalition=world.coalition, user=world.coordinator, role="data_steward")
    response = signed_in(world.outsider).post(
        "/c/elsewhere/invitations/", {"email": "coordinator@riverton.test", "role": "member"}
    )
    # Another coalition may invite them: it is membership of this one that counts.
    assert response.status_code == 302
    response = signed_in(world.coordinator).post(
        "/c/riverton/invitations/", {"email": "coordinator@riverton.test", "role": "viewer"}
    )
    assert "with the roles Coordinator and Data steward" in response.content.decode()


def test_accepting_an_invitation_never_makes_a_second_membership(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    _invitation(world, "steward@riverton.test", "member", "steward-token")
    client = signed_in(world.steward)
    response = client.post("/accounts/invite/steward-token/", follow=True)
    page = response.content.decode()
    assert "You are already a member of Riverton County Reentry Coalition" in page
    assert "with the role Data steward" in page
    assert list(
        Membership.objects.filter(user=world.steward, coalition=world.coalition).values_list(
            "role", flat=True
        )
    ) == ["data_steward"]


def test_the_service_that_accepts_refuses_a_member_of_the_coalition(world: World) -> None:
    invitation = _invitation(world, "member@riverton.test", "viewer", "member-token")
    with pytest.raises(ValidationError, match="already a member"):
        invitation_accept(invitation=invitation, user=world.member)
    assert Membership.objects.filter(user=world.member, coalition=world.coalition).count() == 1
    invitation.refresh_from_db()
    assert invitation.is_open
