"""One working invitation per address and coalition: sending another replaces the
pending one, and accepting one closes the others."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from reentrykit.accounts.models import Invitation, User
from reentrykit.accounts.services import invitation_create, invitation_token_hash
from reentrykit.coalitions.models import Membership
from reentrykit.testing import World


def _token_from_mail() -> str:
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/invite/" in line)
    return link.rstrip("/").rsplit("/", 1)[1]


def test_a_second_invitation_to_an_address_replaces_the_pending_one(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    tokens = []
    for role in ("viewer", "member"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/c/riverton/invitations/",
                {"email": "twice@riverton.test", "role": role},
                follow=True,
            )
        tokens.append(_token_from_mail())
    assert "It replaces the one sent before, whose link no longer works." in (
        response.content.decode()
    )
    sent = Invitation.objects.filter(email="twice@riverton.test").order_by("created_at")
    assert [(invitation.role, invitation.status) for invitation in sent] == [
        ("viewer", "revoked"),
        ("member", "pending"),
    ]
    client.logout()
    first = client.get(f"/accounts/invite/{tokens[0]}/")
    assert first.status_code == 410
    assert "This invitation is no longer valid" in first.content.decode()
    assert "A newer invitation to Riverton County Reentry Coalition was sent" in (
        first.content.decode()
    )
    assert client.get(f"/accounts/invite/{tokens[1]}/").status_code == 200


def test_accepting_one_invitation_closes_the_others_of_that_address(
    world: World, client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    # Two pending, as sent before a second one replaced the first.
    for token in ("first-token", "second-token"):
        Invitation.objects.create(
            coalition=world.coalition,
            email="pair@riverton.test",
            role="member",
            token_hash=invitation_token_hash(token),
            invited_by=world.coordinator,
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere, _ = invitation_create(
            coalition=world.other,
            email="pair@riverton.test",
            role="viewer",
            organization=None,
            invited_by=world.outsider,
        )
    passphrase = "long enough passphrase 7"
    response = client.post(
        "/accounts/invite/first-token/",
        {"full_name": "Pat Pair", "password1": passphrase, "password2": passphrase},
    )
    assert response.status_code == 302
    user = User.objects.get(email="pair@riverton.test")
    second = client.get("/accounts/invite/second-token/")
    page = second.content.decode()
    assert second.status_code == 410
    assert "This invitation is no longer valid" in page
    assert "pair@riverton.test is already a member of Riverton County Reentry Coalition" in page
    assert "Accept invitation" not in page
    assert Invitation.objects.get(token_hash=invitation_token_hash("second-token")).status == (
        "revoked"
    )
    assert Membership.objects.filter(user=user, coalition=world.coalition).count() == 1
    # Another coalition's invitation is its own.
    elsewhere.refresh_from_db()
    assert elsewhere.is_open
