"""Making, revoking and checking personal API tokens.

A token reads ``rk_<prefix>_<secret>``: the prefix is shown on the tokens page to tell
tokens apart; the whole token is hashed with SHA-256 and only the hash is stored, so
a token is found by its hash (no comparison of secrets) and cannot be read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reentrykit.accounts.two_factor import second_factor_required
from reentrykit.api.models import ApiToken

TOKEN_PREFIX = "rk_"  # noqa: S105  (a public marker, not a secret)
LIFETIMES_DAYS = (30, 90, 365)
# Writing last_used_at on every call would make each read a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 200


class TokenRefused(Exception):
    """The token is genuine but may not be used; the message says what to do."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, user: Any, name: str, lifetime_days: int, second_factor: bool
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it and the token text, which is shown once."""
    if lifetime_days not in LIFETIMES_DAYS:
        raise ValueError(f"A token lasts one of {LIFETIMES_DAYS} days.")
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    api_token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=f"{TOKEN_PREFIX}{prefix}",
        token_hash=token_hash(token),
        second_factor=second_factor,
        expires_at=timezone.now() + dt.timedelta(days=lifetime_days),
    )
    api_token.full_clean()
    api_token.save()
    return api_token, token


def token_revoke(*, api_token: ApiToken) -> None:
    if api_token.revoked_at is None:
        api_token.revoked_at = timezone.now()
        api_token.save(update_fields=["revoked_at"])


def tokens_revoke_all(*, user: Any) -> int:
    """Revoke every active token of the user (a password changed, a second factor
    reset): whoever held one may have held the old password too."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_authenticate(token: str) -> ApiToken | None:
    """The active token with this text, its user loaded, or None.

    Raises ``TokenRefused`` for a token made without the second factor its user now
    needs (a new role, or one they turned on).
    """
    if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    api_token = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    if api_token is None or not hmac.compare_digest(api_token.token_hash, digest):
        return None
    now = timezone.now()
    if not api_token.is_active(now) or not api_token.user.is_active:
        return None
    # A demo account's password is public: like its sign-in, its tokens work only in
    # demo mode.
    if api_token.user.is_demo and not settings.DEMO:
        return None
    if not api_token.second_factor and second_factor_required(api_token.user):
        raise TokenRefused(
            "This token was made without two-factor sign-in, which your account now needs. "
            "Sign in with your second factor and make a new token."
        )
    if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        api_token.last_used_at = now
    return api_token
