"""Typed helpers that read settings from the environment and fail loudly."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        bounds = f"{minimum} or more" if maximum is None else f"from {minimum} to {maximum}"
        raise ImproperlyConfigured(f"{name} must be {bounds}, got {value}")
    return value


def env_rate(name: str, default: str) -> str:
    """A request rate such as "120/m": a count, a slash, and s, m, h or d."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if not re.fullmatch(r"[1-9][0-9]*/[smhd]", value):
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 120/m (per s, m, h or d), got {raw!r}"
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str, *, dev_file: Path | None, nbytes: int = 32, min_length: int = 0) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE.

    With ``dev_file`` (development only) a random secret is generated once into
    that file and reused, so a laptop setup needs no configuration. Without it a
    missing secret is a configuration error, and so is one shorter than ``min_length``.
    """
    value = os.environ.get(name, "").strip()
    file_name = os.environ.get(f"{name}_FILE")
    if not value and file_name:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name}_FILE points to {path}, which does not exist")
        value = path.read_text(encoding="utf-8").strip()
    if value:
        if len(value) < min_length:
            raise ImproperlyConfigured(
                f"{name} must be at least {min_length} characters of random text; make one "
                "with: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return value
    if dev_file is None:
        raise ImproperlyConfigured(
            f"Set {name} or {name}_FILE (required outside development; "
            "REENTRYKIT_DEBUG=1 for development)"
        )
    if not dev_file.exists():
        dev_file.parent.mkdir(parents=True, exist_ok=True)
        dev_file.write_text(secrets.token_urlsafe(nbytes), encoding="utf-8")
        dev_file.chmod(0o600)
    return dev_file.read_text(encoding="utf-8").strip()
