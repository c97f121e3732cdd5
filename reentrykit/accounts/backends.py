from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailBackend(ModelBackend):
    """Email and password, case-insensitive; demo accounts only in demo mode."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None:
            username = username.strip().lower()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.is_demo and not settings.DEMO:
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO:
            return False
        return super().user_can_authenticate(user)


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The sign-in name as django-axes should count it: trimmed and lower-case."""
    raw = (credentials or {}).get("username") or request.POST.get("username")
    return raw.strip().lower() if isinstance(raw, str) else None


def client_ip(request: HttpRequest) -> str | None:
    """The address a sign-in came from, as the lockout counts it. Behind the reverse
    proxy every request comes from the proxy, so the address is the last one the proxy
    appended to X-Forwarded-For (a client can put others before it, not after)."""
    from django.conf import settings

    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
