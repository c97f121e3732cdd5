"""Two-factor sign-in: an authenticator app (TOTP) plus single-use recovery codes."""

from __future__ import annotations

import base64
import io
import math
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from reentrykit.accounts.models import AuthenticatorApp, RecoveryCode, RecoveryCodes
from reentrykit.core.access import user_needs_second_factor

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The session's own authenticator key being set up (see pending_totp_device).
PENDING_DEVICE_SESSION_KEY = "rk_pending_totp_device"


def second_factor_required(user: Any) -> bool:
    """Privileged roles need a second factor, and so does anyone who turned it on;
    seeded demo accounts may skip it in demo mode."""
    if settings.DEMO and getattr(user, "is_demo", False):
        return False
    return user_needs_second_factor(user) or (user.is_authenticated and has_confirmed_device(user))


def second_factor_pending(request: Any) -> bool:
    """Whether the request's signed-in user still owes this session a second factor;
    worked out once per request (the middleware and the page header both ask)."""
    if not hasattr(request, "_second_factor_pending"):
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        request._second_factor_pending = bool(
            user.is_authenticated
            and is_verified is not None
            and not is_verified()
            and second_factor_required(user)
        )
    return request._second_factor_pending


def has_confirmed_device(user: Any) -> bool:
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: Any, session: Any) -> AuthenticatorApp:
    """The unconfirmed device this sign-in session is setting up, made on first use.

    Each session gets a key of its own, and a new one drops the user's other unconfirmed
    devices: a key seen in one session (someone else's, who knew the password) is of no
    use once the account holder sets up theirs.
    """
    device = AuthenticatorApp.objects.filter(
        pk=session.get(PENDING_DEVICE_SESSION_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        AuthenticatorApp.objects.filter(user=user, confirmed=False).delete()
        device = AuthenticatorApp.start(user=user, name=TOTP_DEVICE_NAME)
        session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def totp_secret_base32(device: AuthenticatorApp) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_qr_svg(device: AuthenticatorApp) -> str:
    """The provisioning URI as an inline SVG (no script, no inline style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # Drop the XML declaration so the SVG can sit inside HTML.
    return svg[svg.index("<svg") :]


def totp_confirm(*, device: AuthenticatorApp, token: str) -> bool:
    """Turn the device on if the code is right; its holder is told by email, so an
    authenticator set up by someone else who knew the password does not go unnoticed."""
    with transaction.atomic():
        # Locked while it checks: of two requests with one code, one turns it on.
        pending = (
            AuthenticatorApp.objects.select_for_update()
            .filter(pk=device.pk, confirmed=False)
            .first()
        )
        if pending is None or not pending.verify_token(token.strip().replace(" ", "")):
            return False
        AuthenticatorApp.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        pending.confirmed = device.confirmed = True
        pending.save()
        user = device.user
        transaction.on_commit(
            lambda: send_mail(
                subject="Two-factor sign-in was set up on your ReentryKit account",
                message=render_to_string("accounts/email/second_factor_added.txt", {"user": user}),
                from_email=None,
                recipient_list=[user.email],
            )
        )
    return True


@transaction.atomic
def recovery_codes_generate(*, user: Any) -> list[str]:
    """Replace the user's recovery codes with a fresh set and return them (shown once)."""
    device, _ = RecoveryCodes.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.codes.all().delete()
    # Kept without hyphens (see verify_second_factor); shown in groups.
    codes = [secrets.token_hex(6) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        device.add(code)
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


@transaction.atomic
def second_factor_reset(*, user: Any) -> int:
    """Remove the user's authenticator apps and recovery codes, revoke their API tokens
    and end their sessions; returns how many devices went. Their next sign-in sets up a
    new app."""
    from reentrykit.api.services import tokens_revoke_all

    removed = 0
    for model in (AuthenticatorApp, RecoveryCodes):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    tokens_revoke_all(user=user)
    sessions_end(user=user)
    return removed


def sessions_end(*, user: Any) -> int:
    """Signs the user out everywhere: a session that got past the password alone must
    not go on to set up a second factor of its own after a reset. Reads every live
    session (an operator's rare action, not a request's)."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def seconds_to_wait(user: Any, *, token: str = "", pending: AuthenticatorApp | None = None) -> int:
    """How long the device that would check ``token`` (an app's code or a recovery
    code; or the app being set up) still refuses every code after wrong ones in a row;
    0 when it takes one now."""
    devices: list[AuthenticatorApp | RecoveryCodes]
    if pending is not None:
        devices = [pending]
    elif _cleaned(token).isdigit() and len(_cleaned(token)) == AuthenticatorApp.DIGITS:
        devices = list(AuthenticatorApp.objects.filter(user=user, confirmed=True))
    else:
        devices = list(RecoveryCodes.objects.filter(user=user, confirmed=True))
    wait = 0.0
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            wait = max(wait, (details["locked_until"] - timezone.now()).total_seconds())
    return math.ceil(wait)


def wait_message(seconds: int) -> str:
    wait = "a second" if seconds == 1 else f"{seconds} seconds"
    if seconds >= 120:
        wait = f"{math.ceil(seconds / 60)} minutes"
    return (
        "After several wrong codes in a row, codes are not checked for a while: "
        f"wait {wait}, then enter the newest code."
    )


@transaction.atomic
def verify_second_factor(user: Any, token: str) -> AuthenticatorApp | RecoveryCodes | None:
    """The confirmed device that accepts the token (the app's code or an unused recovery
    code), or None. The devices are locked while they check, so one code is not
    accepted twice by requests that arrive together."""
    cleaned = _cleaned(token)
    for model in (AuthenticatorApp, RecoveryCodes):
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(cleaned):
                return device
    return None


def _cleaned(token: str) -> str:
    return token.strip().lower().replace(" ", "").replace("-", "")
