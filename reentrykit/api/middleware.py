"""JSON errors for the API's addresses that no endpoint answers."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/v1/"
# The human reference page lives under the API's prefix but is a page.
PAGES = ("/api/v1/docs",)


class JsonApiErrorsMiddleware:
    """An address under /api/v1/ that matches no endpoint (404), or an endpoint asked
    with a method it does not take (405), answers ``{"detail": ...}`` as every other
    API error does, rather than with the site's HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or request.path.startswith(PAGES)
            or response.status_code not in (404, 405)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 404:
            return JsonResponse({"detail": "Not found."}, status=404)
        allowed = response.get("Allow", "")
        answer = JsonResponse(
            {"detail": f"This endpoint does not take {request.method}; it takes {allowed}."},
            status=405,
        )
        answer["Allow"] = allowed
        return answer
