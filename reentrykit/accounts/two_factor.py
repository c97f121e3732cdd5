"""Two-factor sign-in: an authenticator app (TOTP) plus single-use recovery codes."""

from __future__ import annotations

import base64
import io
import secrets
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from reentrykit.core.access import user_needs_second_factor

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def second_factor_required(user: Any) -> bool:
    """Privileged roles need a second factor; seeded demo accounts may skip it in demo mode."""
    if settings.DEMO and getattr(user, "is_demo", False):
        return False
    return user_needs_second_factor(user)


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG (no script, no inline style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    # Drop the XML declaration so the SVG can sit inside HTML.
    return svg[svg.index("<svg") :]


def totp_confirm(*, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
    return True


@transaction.atomic
def recovery_codes_generate(*, user: Any) -> list[str]:
    """Replace the user's recovery codes with a fresh set and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    # Stored without hyphens (django-otp keeps at most 16 characters); shown in groups.
    codes = [secrets.token_hex(6) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    return [f"{code[:4]}-{code[4:8]}-{code[8:]}" for code in codes]


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify_second_factor(user: Any, token: str) -> Any:
    """The device that accepts the token (TOTP or an unused recovery code), or None."""
    cleaned = token.strip().lower().replace(" ", "").replace("-", "")
    device = match_token(user, cleaned)
    if device is not None and isinstance(device, TOTPDevice) and not device.confirmed:
        return None
    return device
