"""The API, version 1, mounted at /api/v1/ with its OpenAPI description (the reference
page that renders it is ``reentrykit.api.reference``).

Errors are JSON ``{"detail": ...}``: 401 without a usable token, 404 for anything
outside the user's coalitions (the same answer as for one that does not exist), 403
for a role that may see the coalition but not do this, 429 (with Retry-After) past
the token's rate limit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from reentrykit.api.auth import BearerToken, TokenRateThrottle, as_api_actor
from reentrykit.api.data import router as data_router
from reentrykit.api.directory import router as directory_router
from reentrykit.api.measures import router as measures_router

UNAUTHORIZED = "Send a valid API token as 'Authorization: Bearer <token>'."

api = NinjaAPI(
    title="ReentryKit API",
    version="1",
    description=(
        "Upload partner data, read a coalition's measures and its service directory "
        "(in the Open Referral HSDS 3.0 shape). Authenticate with a "
        "personal token (Your account → API tokens) as `Authorization: Bearer <token>`. "
        "Measures are suppressed for every role but data stewards, exactly as on the "
        "dashboard."
    ),
    urls_namespace="api",
    # The reference page is ours (reentrykit.api.reference), in the site's accessible
    # style; the OpenAPI description stays at openapi.json.
    docs_url=None,
    auth=BearerToken(),
    throttle=TokenRateThrottle(),
)
api.add_decorator(as_api_actor)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # ninja's own AuthenticationError says only "Unauthorized"; a refused token says why.
    message = exc.message if exc.message != "Unauthorized" else UNAUTHORIZED
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="reentrykit"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One answer for every 404, so that nothing tells a coalition apart from none.
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc) or "Your role does not allow this."}, status=403
    )


api.add_router("", data_router)
api.add_router("", measures_router)
api.add_router("", directory_router)
