from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import time
from urllib.parse import quote, urlencode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP

from reentrykit.coalitions.models import Role
from reentrykit.core.audit import Audited
from reentrykit.data.keys import account_key

logger = logging.getLogger(__name__)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    # Seeded demo accounts: they may sign in only while demo mode is on.
    is_demo = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Invitation(Audited, models.Model):
    """An emailed invitation to join a coalition with a role and organization."""

    coalition = models.ForeignKey(
        "coalitions.Coalition", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        "coalitions.PartnerOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
    )
    # Only a hash of the emailed token is kept, so a database copy cannot accept invitations.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.coalition}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def is_open(self) -> bool:
        return self.status == "pending"

    def audit_coalition_id(self) -> int | None:
        return self.coalition_id


# Second factors. django-otp's own devices keep an authenticator's key and the recovery
# codes in plain text, so a copy of the database would be enough to pass the second
# factor of anyone whose password is known. These keep the key sealed and the codes as
# keyed digests, both under keys derived from the master key, which is not in the
# database.

AUTHENTICATOR_KEY_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA1
NONCE_BYTES = 12


class AuthenticatorApp(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app: 6-digit codes every 30 seconds (TOTP, RFC 6238)."""

    ISSUER = "ReentryKit"
    STEP, DIGITS = 30, 6
    TOLERANCE = 1  # one step either side: the phone's clock may be a little off

    # The shared key sealed with AES-256-GCM, bound to the account (see bin_key).
    sealed_key = models.TextField(editable=False)
    # The time step of the latest code accepted: each code is accepted once.
    last_t = models.BigIntegerField(default=-1)
    # How many steps the app's clock was off at its latest code.
    drift = models.SmallIntegerField(default=0)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    @classmethod
    def start(cls, *, user: User, name: str, confirmed: bool = False) -> AuthenticatorApp:
        """A device with a new random key, saved."""
        device = cls(user=user, name=name, confirmed=confirmed)
        device.bin_key = os.urandom(AUTHENTICATOR_KEY_BYTES)
        device.save()
        return device

    @property
    def bin_key(self) -> bytes:
        """The shared key; ``ValueError`` when it cannot be opened (another master key)."""
        raw = base64.b64decode(self.sealed_key)
        try:
            return _device_cipher().decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], self._context)
        except InvalidTag:
            raise ValueError("The authenticator key cannot be opened.") from None

    @bin_key.setter
    def bin_key(self, key: bytes) -> None:
        nonce = os.urandom(NONCE_BYTES)
        sealed = _device_cipher().encrypt(nonce, key, self._context)
        self.sealed_key = base64.b64encode(nonce + sealed).decode("ascii")

    @property
    def _context(self) -> bytes:
        # Bound to the account: a sealed key copied onto another account's row fails.
        return f"reentrykit/authenticator/user/{self.user_id}".encode()

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        label = quote(f"{self.ISSUER}:{self.user.get_username()}")
        params = urlencode(
            {
                "secret": base64.b32encode(self.bin_key).decode("ascii").rstrip("="),
                "algorithm": "SHA1",
                "digits": self.DIGITS,
                "period": self.STEP,
                "issuer": self.ISSUER,
            },
            quote_via=quote,
        )
        return f"otpauth://totp/{label}?{params}"

    def get_throttle_factor(self) -> int:
        return 1  # waits of 1, 2, 4, 8 … seconds after each wrong code in a row

    def verify_token(self, token: object) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        code, totp = str(token), self._totp()
        verified = bool(
            totp is not None
            and code.isascii()
            and code.isdigit()
            and totp.verify(int(code), self.TOLERANCE, self.last_t + 1)
        )
        if totp is not None and verified:
            self.last_t, self.drift = totp.t(), totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return verified

    def _totp(self) -> TOTP | None:
        try:
            key = self.bin_key
        except ValueError:
            # A master key changed since: the operator resets the account's second factor.
            logger.error("Authenticator app %s: its key cannot be opened.", self.pk)
            return None
        totp = TOTP(key, self.STEP, 0, self.DIGITS, self.drift)
        totp.time = time.time()
        return totp


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """An account's single-use recovery codes (:class:`RecoveryCode`)."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def get_throttle_factor(self) -> int:
        return 1

    def add(self, code: str) -> None:
        self.codes.create(digest=recovery_code_digest(self.user_id, code))

    def verify_token(self, token: object) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        # One DELETE decides: of two requests racing with the same code, one wins.
        used, _ = self.codes.filter(digest=recovery_code_digest(self.user_id, str(token))).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment(commit=True)
        return bool(used)


class RecoveryCode(models.Model):
    """One unused recovery code, kept as a keyed digest: the codes are short (48 bits),
    so a plain hash could be reversed by trying them all; this one needs the master key."""

    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"Recovery code of {self.device.user}"


def recovery_code_digest(user_id: int, code: str) -> str:
    message = f"{user_id}/{code}".encode()
    return hmac.new(account_key("recovery-codes"), message, hashlib.sha256).hexdigest()


def _device_cipher() -> AESGCM:
    return AESGCM(account_key("authenticator-keys"))
