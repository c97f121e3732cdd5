from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone

from reentrykit.accounts.models import Invitation, User
from reentrykit.accounts.services import invitation_create
from reentrykit.coalitions.models import Membership
from reentrykit.testing import World


def _token_from_mail() -> str:
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/invite/" in line)
    return link.rstrip("/").rsplit("/", 1)[1]


def _sign_up(client, token: str, full_name: str):  # type: ignore[no-untyped-def]
    """The invitation's sign-up form, filled in and sent."""
    passphrase = "long enough passphrase 7"
    return client.post(
        f"/accounts/invite/{token}/",
        {"full_name": full_name, "password1": passphrase, "password2": passphrase},
    )


def test_it_lets_a_coordinator_invite_by_email(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/riverton/invitations/",
            {"email": "new.partner@riverton.test", "role": "member", "organization": world.jail.pk},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="new.partner@riverton.test")
    assert invitation.organization == world.jail
    assert invitation.role == "member"
    assert "new.partner@riverton.test" in mail.outbox[-1].to
    assert invitation.token_hash not in mail.outbox[-1].body


def test_it_gives_a_new_person_the_role_and_organization(
    world: World, client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            coalition=world.coalition,
            email="fresh@riverton.test",
            role="viewer",
            organization=world.provider,
            invited_by=world.coordinator,
        )
    token = _token_from_mail()
    page = client.get(f"/accounts/invite/{token}/")
    assert page.status_code == 200
    response = _sign_up(client, token, "Fresh Face")
    assert response.status_code == 302
    user = User.objects.get(email="fresh@riverton.test")
    membership = Membership.objects.get(user=user, coalition=world.coalition)
    assert (membership.role, membership.organization) == ("viewer", world.provider)
    assert client.get(f"/accounts/invite/{token}/").status_code == 410


def test_it_refuses_bad_expired_and_revoked_links(
    world: World, client, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/accounts/invite/not-a-real-token/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            coalition=world.coalition,
            email="late@riverton.test",
            role="member",
            organization=None,
            invited_by=None,
        )
    token = _token_from_mail()
    Invitation.objects.filter(email="late@riverton.test").update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert client.get(f"/accounts/invite/{token}/").status_code == 410
    coordinator = signed_in(world.coordinator)
    coordinator.post(f"/c/riverton/invitations/{world.invitation.pk}/revoke/")
    world.invitation.refresh_from_db()
    assert world.invitation.revoked_at is not None


def test_it_refuses_a_person_signed_in_with_another_email(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            coalition=world.coalition,
            email="someone@riverton.test",
            role="member",
            organization=None,
            invited_by=None,
        )
    token = _token_from_mail()
    client = signed_in(world.outsider)
    client.post(f"/accounts/invite/{token}/")
    assert not Membership.objects.filter(user=world.outsider, coalition=world.coalition).exists()


def test_it_refuses_invitations_from_members(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    client = signed_in(world.member)
    response = client.post(
        "/c/riverton/invitations/", {"email": "x@riverton.test", "role": "coordinator"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@riverton.test").exists()


def test_it_refuses_an_organization_of_another_coalition(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    foreign = world.other.organizations.first()
    client = signed_in(world.coordinator)
    response = client.post(
        "/c/riverton/invitations/",
        {"email": "y@riverton.test", "role": "member", "organization": foreign.pk},
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="y@riverton.test").exists()


def test_a_coordinator_cannot_make_themselves_a_data_steward(
    world: World, signed_in, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """Person-level data is the stewards' alone: by invitation to their own address or
    by changing a membership of theirs, a coordinator cannot become one."""
    from reentrykit.coalitions.services import membership_create

    client = signed_in(world.coordinator)
    invitations = Invitation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            "/c/riverton/invitations/",
            {"email": world.coordinator.email.upper(), "role": "data_steward"},
        )
    assert "You cannot make yourself a data steward" in page.content.decode()
    assert Invitation.objects.count() == invitations and not mail.outbox
    own = membership_create(coalition=world.coalition, user=world.coordinator, role="member")
    page = client.post(f"/c/riverton/members/{own.pk}/", {"role": "data_steward"})
    assert "You cannot make yourself a data steward" in page.content.decode()
    own.refresh_from_db()
    assert own.role == "member"
    # Someone else they may appoint.
    response = client.post(
        f"/c/riverton/members/{world.member_membership.pk}/", {"role": "data_steward"}
    )
    assert response.status_code == 302
    world.member_membership.refresh_from_db()
    assert world.member_membership.role == "data_steward"


def test_a_steward_invitation_its_inviter_accepts_is_refused(world: World) -> None:
    """As when the inviter's own address changed to the invited one after inviting."""
    import pytest
    from django.core.exceptions import ValidationError

    from reentrykit.accounts.services import invitation_accept

    invitation = Invitation.objects.create(
        coalition=world.coalition, email=world.coordinator.email, role="data_steward",
        token_hash="x" * 64, invited_by=world.coordinator,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="cannot make yourself a data steward"):
        invitation_accept(invitation=invitation, user=world.coordinator)
    assert not Membership.objects.filter(user=world.coordinator, role="data_steward").exists()


def test_an_invitation_revoked_while_its_holder_signs_up_leaves_no_account(
    world: World, client, monkeypatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    """The coordinator revokes it after the sign-up page was read as open: the form
    says so, and no account is left that belongs to no coalition."""
    from reentrykit.accounts import services
    from reentrykit.accounts.services import invitation_revoke

    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            coalition=world.coalition,
            email="late@riverton.test",
            role="member",
            organization=None,
            invited_by=world.coordinator,
        )
    token = _token_from_mail()
    as_read = services.invitation_for_token(token)
    invitation_revoke(invitation=Invitation.objects.get(pk=as_read.pk))
    monkeypatch.setattr(services, "invitation_for_token", lambda _token: as_read)
    page = _sign_up(client, token, "Late Comer")
    assert page.status_code == 200
    assert "This invitation is revoked." in page.content.decode()
    assert not User.objects.filter(email="late@riverton.test").exists()
