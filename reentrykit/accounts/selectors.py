"""Reads of invitations."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from reentrykit.accounts.models import Invitation
from reentrykit.coalitions.models import Coalition


def invitations_pending(*, coalition: Coalition, email: str) -> QuerySet[Invitation]:
    """The address's invitations to the coalition whose links still work (``is_open``)."""
    return Invitation.objects.filter(
        coalition=coalition,
        email__iexact=email.strip(),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def invitation_closed_reason(*, invitation: Invitation) -> str:
    """Why a link that no longer works does not, for its holder: "member" when the
    address already belongs to a member of the coalition (another invitation of theirs
    was accepted), "replaced" when a newer invitation to it is pending, else ""."""
    coalition = invitation.coalition
    if coalition.memberships.filter(user__email__iexact=invitation.email).exists():
        return "member"
    newer = invitations_pending(coalition=coalition, email=invitation.email).filter(
        created_at__gt=invitation.created_at
    )
    return "replaced" if newer.exists() else ""
