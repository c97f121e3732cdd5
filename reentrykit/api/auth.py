"""Bearer-token authentication for the API, and the audit trail's actor.

The API reads no session cookie: every call names its user by a personal token, so
a browser cannot be made to call it (no CSRF) and the session's two-factor state
does not apply; the second factor was asked for when the token was made.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from reentrykit.api.models import ApiToken
from reentrykit.api.services import TokenRefused, token_authenticate
from reentrykit.core.audit import audit_actor


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        try:
            api_token = token_authenticate(token)
        except TokenRefused as refused:
            raise AuthenticationError(message=str(refused)) from None
        if api_token is None:
            return None
        # Access checks (reentrykit.core.access) read request.user: it must be the
        # token's user, never whoever a session cookie names.
        request.user = api_token.user
        return api_token


_PER_REQUEST = frozenset({"key", "history", "now", "num_requests", "duration"})


class TokenRateThrottle(SimpleRateThrottle):
    """At most ``API_RATE_LIMIT`` requests per token (e.g. "120/m"), so that one script
    cannot flood the worker with uploads and linkage runs. Counted in Django's cache:
    per process with the default local-memory cache."""

    scope = "token"

    def __init__(self) -> None:
        # ninja keeps one throttle for every request and stores each request's count
        # on it between allow_request and wait; per thread, so threads do not mix them.
        object.__setattr__(self, "_request", threading.local())
        super().__init__(rate=settings.API_RATE_LIMIT)

    def __getattr__(self, name: str) -> Any:
        if name in _PER_REQUEST:
            return getattr(self._request, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PER_REQUEST:
            setattr(self._request, name, value)
        else:
            super().__setattr__(name, value)

    def allow_request(self, request: HttpRequest) -> bool:
        # Read at each request, so that a changed setting applies at once.
        self.num_requests, self.duration = self.parse_rate(settings.API_RATE_LIMIT)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None:
            return None
        # The hash, not the row id: ids can be reused, a token's hash cannot.
        return self.cache_format % {"scope": self.scope, "ident": token.token_hash}


def as_api_actor(view: Callable[..., Any]) -> Callable[..., Any]:
    """Attribute the operation's writes to the token's user, acting through the API."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with audit_actor(request.user, "api"):
            return view(request, *args, **kwargs)

    return wrapper
