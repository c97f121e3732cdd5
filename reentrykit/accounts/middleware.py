from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from reentrykit.accounts.two_factor import second_factor_pending

# Paths a signed-in user needs before the second factor is done. The API is here
# because it ignores the session: each call names its user by a bearer token, made
# on a page behind this middleware (and refused once its user's role needs a second
# factor the token was made without). Published pages (/p/) are for anyone.
_OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/healthz", "/api/", "/p/")


class TwoFactorRequiredMiddleware:
    """Send privileged users to two-factor sign-in (or enrollment) before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_OPEN_PATHS)
            and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and second_factor_pending(request)
        ):
            target = reverse("accounts:two_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Keep signed-in pages and API answers out of every cache, the browser's included:
    they may show person-level details (a review pair, a file's problem rows), and a
    shared computer's back button or disk cache must not show them to the next person."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response and (
            request.user.is_authenticated or request.path.startswith("/api/")
        ):
            add_never_cache_headers(response)
        return response
