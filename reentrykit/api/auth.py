"""Bearer-token authentication for the API, and the audit trail's actor.

The API reads no session cookie: every call names its user by a personal token, so
a browser cannot be made to call it (no CSRF) and the session's two-factor state
does not apply; the second factor was asked for when the token was made.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

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


def as_api_actor(view: Callable[..., Any]) -> Callable[..., Any]:
    """Attribute the operation's writes to the token's user, acting through the API."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with audit_actor(request.user, "api"):
            return view(request, *args, **kwargs)

    return wrapper
