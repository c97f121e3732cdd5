"""Writes to user accounts and invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reentrykit.accounts.models import Invitation, User
from reentrykit.accounts.selectors import invitations_pending
from reentrykit.coalitions.models import Coalition, PartnerOrganization, Role
from reentrykit.coalitions.services import (
    SELF_STEWARD,
    coalition_create,
    coalition_hold,
    free_slug,
    membership_create,
)

INVITATION_LIFETIME = dt.timedelta(days=14)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    full_name: str = "",
    is_demo: bool = False,
    validate: bool = True,
) -> User:
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": "An email address is required."})
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": f"A user with the email {email} already exists."})
    if password is not None and validate:
        validate_password(password, User(email=email, full_name=full_name))
    return User.objects.create_user(
        email=email, password=password, full_name=full_name, is_demo=is_demo
    )


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def invitation_create(
    *,
    coalition: Coalition,
    email: str,
    role: str,
    organization: PartnerOrganization | None,
    invited_by: Any,
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token."""
    email = email.strip().lower()
    # Two invitations to one address sent at once: the second replaces the first.
    coalition_hold(coalition_id=coalition.pk)
    if role == Role.DATA_STEWARD and email == (getattr(invited_by, "email", "") or "").lower():
        raise ValidationError({"email": SELF_STEWARD})
    if organization is not None and organization.coalition_id != coalition.pk:
        raise ValidationError({"organization": "That organization belongs to another coalition."})
    held = _roles_held(coalition=coalition, email=email)
    if held:
        # An invitation would give them a second membership beside the first (listed
        # twice, two roles); a role is changed on the Members page instead.
        raise ValidationError(
            {
                "email": f"{email} is already a member of this coalition, {held}. "
                "To change a member's role, use the Members page."
            }
        )
    # A second invitation to the same address replaces the pending one: its role and
    # organization are what the coordinator means now, and the first link cannot be sent
    # again (only its hash is kept), so one link, the latest, works.
    for pending in invitations_pending(coalition=coalition, email=email):
        pending.revoked_at = timezone.now()
        pending.save()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        coalition=coalition,
        email=email,
        role=role,
        organization=organization,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    invitation.full_clean()
    invitation.save()
    link = settings.SITE_URL + reverse("accounts:accept_invitation", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "inviter": invited_by}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to join {coalition.name} on ReentryKit",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, token


def _roles_held(*, coalition: Coalition, email: str) -> str:
    """The roles the person with this address holds in the coalition, in words ("with
    the role Data steward"), or "" when they hold none."""
    roles = sorted(
        coalition.memberships.filter(user__email__iexact=email.strip()).values_list(
            "role", flat=True
        )
    )
    labels = [Role(role).label for role in roles]
    if not labels:
        return ""
    if len(labels) == 1:
        return f"with the role {labels[0]}"
    return f"with the roles {', '.join(labels[:-1])} and {labels[-1]}"


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("coalition", "organization")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> None:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(f"This invitation is {invitation.status}.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}; you are signed in as {user.email}."
        )
    if invitation.role == Role.DATA_STEWARD and invitation.invited_by_id == user.pk:
        raise ValidationError(SELF_STEWARD)
    # Of two invitations of theirs accepted at once, the second waits for the first and
    # then finds its membership.
    coalition_hold(coalition_id=invitation.coalition_id)
    held = _roles_held(coalition=invitation.coalition, email=user.email)
    if held:
        raise ValidationError(
            f"You are already a member of {invitation.coalition.name}, {held}, so this "
            "invitation adds nothing. To change your role, ask a coordinator: they do it "
            "on the Members page."
        )
    membership_create(
        coalition=invitation.coalition,
        user=user,
        role=invitation.role,
        organization=invitation.organization,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save()
    # The address's other invitations to the coalition could only add a second
    # membership: their links now say they are no longer valid.
    for other in invitations_pending(coalition=invitation.coalition, email=invitation.email):
        other.revoked_at = invitation.accepted_at
        other.save()


@transaction.atomic
def invitation_sign_up(*, invitation: Invitation, password: str, full_name: str) -> User:
    """A new account for the invitation's address, member of its coalition: both or
    neither, so an invitation revoked (or taken) while its holder filled in the form
    leaves no account that belongs to no coalition."""
    user = user_create(email=invitation.email, password=password, full_name=full_name)
    invitation_accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(f"This invitation is already {invitation.status}.")
    invitation.revoked_at = timezone.now()
    invitation.save()


def account_setup_email_send(*, user: User) -> None:
    """Email a new account holder a link to choose their password.

    Django's password-reset form skips accounts without a usable password, which is
    exactly what a new account is, so the same link is built here.
    """
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    context = {
        "email": user.email,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=render_to_string("accounts/email/account_setup_subject.txt").strip(),
        message=render_to_string("accounts/email/account_setup.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


# A coalition signed up on the web: the details travel in the emailed link, signed, so
# nothing is stored for an address until its owner follows the link.
SIGN_UP_SALT = "reentrykit.accounts.coalition-sign-up"
SIGN_UP_LINK_LIFETIME = dt.timedelta(days=3)
SIGN_UP_FIELDS = ("full_name", "email", "coalition_name", "jurisdiction_type", "state")


def coalition_sign_up_details(token: str) -> dict[str, str] | None:
    """The details a sign-up link carries, or None when it is not one of ours or has
    expired."""
    try:
        details = signing.loads(token, salt=SIGN_UP_SALT, max_age=SIGN_UP_LINK_LIFETIME)
    except signing.BadSignature:
        return None
    return details if isinstance(details, dict) and set(details) == set(SIGN_UP_FIELDS) else None


def coalition_sign_up_send(details: dict[str, str]) -> None:
    """Mails the link that finishes signing ``details``' coalition up; to an address
    that has an account already, a note saying so instead (the page that asked said
    the same either way)."""
    email = details["email"].strip().lower()
    context: dict[str, Any] = {"details": details, "site": settings.SITE_URL}
    if User.objects.filter(email=email).exists():
        template = "accounts/email/coalition_sign_up_existing.txt"
        context["link"] = settings.SITE_URL + reverse("accounts:login")
    else:
        template = "accounts/email/coalition_sign_up.txt"
        token = signing.dumps({**details, "email": email}, salt=SIGN_UP_SALT, compress=True)
        context["link"] = settings.SITE_URL + reverse(
            "accounts:coalition_sign_up_finish", kwargs={"token": token}
        )
        context["days"] = SIGN_UP_LINK_LIFETIME.days
    send_mail(
        subject=f"Finish signing {details['coalition_name']} up on ReentryKit",
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[email],
    )


@transaction.atomic
def coalition_sign_up(*, details: dict[str, str], password: str) -> tuple[User, Coalition]:
    """The account, its coalition and its coordinator's membership: all or none. A link
    followed a second time finds its address taken and changes nothing."""
    user = user_create(email=details["email"], password=password, full_name=details["full_name"])
    coalition = coalition_create(
        slug=free_slug(details["coalition_name"]),
        name=details["coalition_name"],
        jurisdiction_type=details["jurisdiction_type"],
        state=details["state"],
    )
    membership_create(coalition=coalition, user=user, role=Role.COORDINATOR)
    return user, coalition
